"""Fixtures for the extractor's tests: where the shared dev corpus is."""
from __future__ import annotations

from pathlib import Path

import pytest

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"


@pytest.fixture(scope="session")
def dev_dir():
    if not (DEV / "seed-suwalki-2016.txt").exists():
        pytest.skip(f"shared dev corpus not found at {DEV.resolve()}")
    return DEV
