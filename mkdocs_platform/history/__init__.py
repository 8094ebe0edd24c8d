"""What the portal remembers between builds: the history folder and the records it holds.

`read_history` reads the folder (never failing on what it finds there: each unreadable file is
one finding), `write_history` adds a build's records and the specs they name, atomically.
`api_record` and `portfolio_record` make the records from a scored API and the portfolio.
"""

from mkdocs_platform.history.records import (
    RecordError,
    api_record,
    api_record_from_json,
    api_record_json,
    canonical_json,
    portfolio_record,
    portfolio_record_from_json,
    portfolio_record_json,
    spec_hash,
)
from mkdocs_platform.history.store import (
    DEFAULT_MAX_SIZE,
    FORMAT_NAME,
    HISTORY_RULE,
    load_sdk_surface,
    load_spec_document,
    read_history,
    write_history,
)

__all__ = [
    "DEFAULT_MAX_SIZE",
    "FORMAT_NAME",
    "HISTORY_RULE",
    "RecordError",
    "api_record",
    "api_record_from_json",
    "api_record_json",
    "canonical_json",
    "load_sdk_surface",
    "load_spec_document",
    "portfolio_record",
    "portfolio_record_from_json",
    "portfolio_record_json",
    "read_history",
    "spec_hash",
    "write_history",
]
