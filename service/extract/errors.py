"""The one exception the extractor lets out."""


class ExtractionError(ValueError):
    """Input that is not a report at all (binary, undecodable, empty, too large)."""
