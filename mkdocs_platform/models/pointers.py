"""JSON pointers as `$ref`s and findings write them: RFC 6901 tokens in an RFC 3986 fragment."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from functools import lru_cache


def escape_token(token: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """Unescape one JSON pointer token (RFC 6901): `~1` first, then `~0`."""
    return token.replace("~1", "/").replace("~0", "~")


def to_pointer(tokens: Sequence[str | int]) -> str:
    """Tokens to a URI-fragment JSON pointer: `("paths", "/pets")` gives `#/paths/~1pets`.

    Only `%` is percent-encoded (as `%25`), so that `from_pointer` reads every pointer back to
    the same tokens; everything else stays as written, for people to read.
    """
    return "#" + "".join("/" + escape_token(str(t)).replace("%", "%25") for t in tokens)


def from_pointer(pointer: str) -> list[str]:
    """The tokens of a JSON pointer in URI-fragment form, with or without the leading `#`.

    A `$ref` is a URI (RFC 3986), so its fragment is percent-decoded first (`%7Bid%7D` is
    `{id}`, `%20` a space); the JSON pointer that gives is then split on `/` and each token
    unescaped (RFC 6901: `~1` is `/`, then `~0` is `~`). Give only the fragment: the part of a
    `$ref` after its first `#`.
    """
    return list(_tokens(pointer))


@lru_cache(maxsize=16_384)
def _tokens(pointer: str) -> tuple[str, ...]:
    # A large spec names the same few thousand `$ref`s hundreds of thousands of times.
    body = urllib.parse.unquote(pointer.removeprefix("#"))
    if not body:
        return ()
    return tuple(unescape_token(t) for t in body.split("/")[1:])


def list_index(token: str, length: int) -> int | None:
    """The item `token` names in a list of `length` items, or None if it names none.

    Only ASCII digits name an item (`-`, `²` or `1e3` do not); the index must be in range.
    """
    if not (token.isascii() and token.isdigit()) or len(token) > len(str(length)):
        return None
    index = int(token)
    return index if index < length else None
