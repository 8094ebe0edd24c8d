"""The errors mkdocs-platform raises on purpose: each says what the user must fix.

Everything derives from `PlatformError`, so a caller (the plugin, the command line) can tell a
mistake to report from a crash to show in full.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`; did you mean 'x'?` with the known name nearest to a misspelt `name`, or ``."""
    nearest = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean '{nearest[0]}'?" if nearest else ""


class PlatformError(Exception):
    """A problem the user must fix; the message says which, and where."""


class ConfigError(PlatformError):
    """Invalid plugin options; each line of the message names an option, as MkDocs words it."""


class PortalError(PlatformError):
    """A mistake found while reading the sources (a missing spec, clashing ids, a lost SDK)."""


class UsageError(PlatformError):
    """A mistake in what the command line was asked to do; the message says which."""


class HistoryError(PlatformError):
    """The history folder cannot be written; the message names it and the system's reason."""
