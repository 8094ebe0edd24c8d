"""Griffe's log messages, caught per thread so they become findings, never MkDocs warnings.

Griffe logs through one logger object whose target others may patch (mkdocstrings routes it
into `mkdocs.plugins.*`, where `mkdocs build --strict` counts warnings). So we stand in for
that target: while a thread captures, its warnings land in a list; other threads, and every
thread outside a capture, reach the logger that was there before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import griffe

_SINKS: dict[int, list[str]] = {}
_LOCK = threading.Lock()
_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "exception": logging.ERROR,
    "critical": logging.CRITICAL,
}


def _format(message: object, args: tuple[Any, ...]) -> str:
    try:
        return str(message) % args if args else str(message)
    except (TypeError, ValueError):
        return " ".join(str(part) for part in (message, *args))


class _Proxy:
    """Forwards to the wrapped logger unless the calling thread captures."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def _emit(self, level: int, message: object, args: tuple[Any, ...], kwargs: Any) -> None:
        sink = _SINKS.get(threading.get_ident())
        if sink is None:
            self.inner.log(level, message, *args, **kwargs)
        elif level >= logging.WARNING:
            sink.append(_format(message, args))

    def log(self, level: int, message: object, *args: Any, **kwargs: Any) -> None:
        self._emit(level, message, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        level = _LEVELS.get(name)
        if level is None:
            return getattr(self.inner, name)

        def emit(message: object, *args: Any, **kwargs: Any) -> None:
            self._emit(level, message, args, kwargs)

        return emit


def _install() -> None:
    # Re-checked on every capture: a library patching griffe's loggers after us replaces
    # the proxy, so it is wrapped again around whatever is there now.
    holder = griffe.logger
    inner = getattr(holder, "_logger", None)
    if inner is not None and not isinstance(inner, _Proxy):
        holder._logger = _Proxy(inner)


@contextmanager
def capture_griffe() -> Iterator[list[str]]:
    """Collect the warnings griffe logs on this thread while the block runs (innermost wins)."""
    with _LOCK:
        _install()
    ident = threading.get_ident()
    outer = _SINKS.get(ident)
    sink: list[str] = []
    _SINKS[ident] = sink
    try:
        yield sink
    finally:
        if outer is None:
            _SINKS.pop(ident, None)
        else:
            _SINKS[ident] = outer
