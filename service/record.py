"""Checking that a JSON document is a report record (report-record/1) before it is mapped.

The checks follow the record format's schema; each problem is one readable line naming the field.
"""
from __future__ import annotations

import re

SCHEMA_ID = "report-record/1"
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KINDS = {"conference", "forum", "congress", "convention", "seminar", "meeting", "training",
         "study_visit", "debate", "session", "gala", "other"}
ROLES = {"opened", "welcomed", "spoke", "presented", "moderated", "sent_letter", "awarded",
         "attended", "other"}
PATRON_KINDS = {"honorary", "media", "substantive", "other"}
QUALIFIERS = {"exact", "more_than", "about", "less_than", "up_to"}


class RecordError(ValueError):
    """The document is not a valid report record."""


def _is_text(value) -> bool:
    return isinstance(value, str)


def _opt_text(value) -> bool:
    return value is None or isinstance(value, str)


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _event_problems(event, where: str) -> list[str]:
    if not isinstance(event, dict):
        return [f"{where}: must be an object"]
    out = []
    if "name" not in event or not _opt_text(event["name"]):
        out.append(f"{where}.name: required, a string or null")
    if event.get("kind") not in KINDS:
        out.append(f"{where}.kind: must be one of {', '.join(sorted(KINDS))}")
    for key in ("title", "venue"):
        if not _opt_text(event.get(key)):
            out.append(f"{where}.{key}: must be a string or null")
    if event.get("edition") is not None and (not isinstance(event["edition"], int) or isinstance(event["edition"], bool)):
        out.append(f"{where}.edition: must be an integer or null")
    for key in ("start", "end"):
        value = event.get(key)
        if value is not None and not (_is_text(value) and _DATE.match(value)):
            out.append(f"{where}.{key}: must be an ISO date (YYYY, YYYY-MM or YYYY-MM-DD) or null, not {value!r}")
    for key in ("places", "organisers", "partners", "themes"):
        if key in event and not _strings(event[key]):
            out.append(f"{where}.{key}: must be a list of strings")
    participants = event.get("participants")
    if participants is not None:
        if not isinstance(participants, dict) or not isinstance(participants.get("count"), int) or participants["count"] < 0:
            out.append(f"{where}.participants: must be null or an object with a non-negative integer count")
        elif participants.get("qualifier") not in (None, *QUALIFIERS):
            out.append(f"{where}.participants.qualifier: must be one of {', '.join(sorted(QUALIFIERS))}")
    for i, patron in enumerate(event.get("patrons") or []):
        if not isinstance(patron, dict) or not _is_text(patron.get("name")):
            out.append(f"{where}.patrons[{i}]: must be an object with a name")
        elif patron.get("kind") not in (None, *PATRON_KINDS) or not _opt_text(patron.get("person")):
            out.append(f"{where}.patrons[{i}]: kind must be one of {', '.join(sorted(PATRON_KINDS))}, person a string or null")
    for i, contribution in enumerate(event.get("contributions") or []):
        if not isinstance(contribution, dict) or not _is_text(contribution.get("person")) or contribution.get("role") not in ROLES:
            out.append(f"{where}.contributions[{i}]: must have a person and a role among {', '.join(sorted(ROLES))}")
    for i, sub in enumerate(event.get("sub_events") or []):
        out.extend(_event_problems(sub, f"{where}.sub_events[{i}]"))
    return out


def record_problems(record) -> list[str]:
    """Every way in which `record` breaks the record format; empty when it is valid."""
    if not isinstance(record, dict):
        return ["the document must be a JSON object"]
    out = []
    if record.get("schema") != SCHEMA_ID:
        out.append(f"schema: must be {SCHEMA_ID!r}")
    for key in ("report", "event", "people", "organisations"):
        if key not in record:
            out.append(f"{key}: required")
    report = record.get("report")
    if report is not None:
        if not isinstance(report, dict):
            out.append("report: must be an object")
        else:
            published = report.get("published")
            if published is not None and not (_is_text(published) and _ISO_DAY.match(published)):
                out.append(f"report.published: must be YYYY-MM-DD or null, not {published!r}")
            if not _opt_text(report.get("title")) or not _opt_text(report.get("source_url")):
                out.append("report.title / report.source_url: must be strings or null")
            if "authors" in report and not _strings(report["authors"]):
                out.append("report.authors: must be a list of strings")
    if "event" in record:
        out.extend(_event_problems(record["event"], "event"))
    for i, person in enumerate(record.get("people") or []):
        if not isinstance(person, dict) or not _is_text(person.get("name")) or not person["name"].strip():
            out.append(f"people[{i}]: must be an object with a non-empty name")
            continue
        for j, post in enumerate(person.get("posts") or []):
            org = post.get("organisation") if isinstance(post, dict) else None
            if not isinstance(post, dict) or not _opt_text(post.get("title")) or not (org is None or _is_text(org) or _strings(org)):
                out.append(f"people[{i}].posts[{j}]: title must be a string or null, organisation a string, a list of strings or null")
    for i, org in enumerate(record.get("organisations") or []):
        if not isinstance(org, dict) or not _is_text(org.get("name")) or not org["name"].strip():
            out.append(f"organisations[{i}]: must be an object with a non-empty name")
    for key in ("people", "organisations"):
        if key in record and not isinstance(record[key], list):
            out.append(f"{key}: must be a list")
    return out


def check_record(record) -> dict:
    problems = record_problems(record)
    if problems:
        raise RecordError("not a valid report record: " + "; ".join(problems[:5])
                          + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    return record
