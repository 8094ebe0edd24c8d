"""API breakages of a Python SDK between two versions, found by griffe.

Both versions are read statically, as the SDK pages read them: no code of the SDK runs, git is
kept out of the checkout, and griffe's warnings stay out of the build log. The breakages become
`Change`s with `sdk-` ids and plain sentences.

The previous build's SDK can be compared without its sources: `sdk_surface` keeps the griffe
tree as JSON-able data (griffe's own encoding, without docstrings, which no breakage reads)
and `sdk_breakages_from_surface` reads it back.

A package that cannot be loaded never raises: it is `SdkUnavailableError`, which names the
version and says why, and which the caller turns into a note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import griffe

from mkdocs_platform.errors import PlatformError
from mkdocs_platform.models.changes import Change
from mkdocs_platform.models.sdk import DEFAULT_LIMITS, SdkLimits, SdkSettings
from mkdocs_platform.sdk.griffe_log import capture_griffe
from mkdocs_platform.sdk.load import _Finder, _without_git

SURFACE_FORMAT = 1
"""Version of the surface data; a surface of another version is not compared."""
MAX_BREAKAGES = 500
"""Breakages listed per comparison; a rewritten SDK would otherwise list every object."""
VALUE_WIDTH = 80
"""Characters of a default value or type shown in a sentence."""

_SURFACE_DROPPED = frozenset({"docstring", "source_link", "git_info"})
"""Keys of griffe's encoding that no breakage reads: dropping them keeps a surface small."""


class SdkUnavailableError(PlatformError):
    """One version of an SDK could not be read; the message says which and why."""


def _slug(kind: griffe.BreakageKind) -> str:
    """`sdk-parameter-removed` for `BreakageKind.PARAMETER_REMOVED`."""
    return "sdk-" + str(kind.name).lower().replace("_", "-")


def _shown(value: Any) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _kind_name(kind: Any) -> str:
    return str(getattr(kind, "value", kind))


def _sentence(breakage: griffe.Breakage) -> str:
    """What broke, as a sentence naming the object (`pkg.Client.pay: the parameter 'amount'
    was removed`)."""
    kind = breakage.kind
    old, new = breakage.old_value, breakage.new_value
    kinds = griffe.BreakageKind
    if kind is kinds.PARAMETER_REMOVED:
        return f"the parameter '{old.name}' was removed"
    if kind is kinds.PARAMETER_ADDED_REQUIRED:
        return f"the required parameter '{new.name}' was added"
    if kind is kinds.PARAMETER_CHANGED_REQUIRED:
        return f"the parameter '{old.name}' is now required"
    if kind is kinds.PARAMETER_CHANGED_DEFAULT:
        return (
            f"the default of the parameter '{old.name}' changed from "
            f"{_shown(old.default)} to {_shown(new.default)}"
        )
    if kind is kinds.PARAMETER_CHANGED_KIND:
        return (
            f"the parameter '{old.name}' changed from {_kind_name(old.kind)} "
            f"to {_kind_name(new.kind)}"
        )
    if kind is kinds.PARAMETER_MOVED:
        return f"the positional parameter '{old.name}' changed position"
    if kind is kinds.OBJECT_REMOVED:
        return "it was removed"
    if kind is kinds.OBJECT_CHANGED_KIND:
        return f"it changed from a {_kind_name(old)} to a {_kind_name(new)}"
    if kind is kinds.RETURN_CHANGED_TYPE:
        return f"the return type changed from {_shown(old)} to {_shown(new)}"
    if kind is kinds.ATTRIBUTE_CHANGED_TYPE:
        return f"the type changed from {_shown(old)} to {_shown(new)}"
    if kind is kinds.ATTRIBUTE_CHANGED_VALUE:
        return f"the value changed from {_shown(old)} to {_shown(new)}"
    if kind is kinds.CLASS_REMOVED_BASE:
        removed = sorted({str(b) for b in old} - {str(b) for b in new})
        return "the base class " + (", ".join(removed) or "list shrank") + " was removed"
    return str(kind.value).lower()  # a kind added by a later griffe: its own words


def _public_names(module: Any) -> dict[str, str]:
    """Where each object of the package is public: its path -> the shortest public name.

    Griffe reports the object where it is defined (`pkg._client.Client.pay`); a reader knows
    it by the name the package exports (`pkg.Client.pay`).
    """
    names: dict[str, str] = {}
    modules = [module]
    while modules:
        current = modules.pop()
        for name, member in list(current.members.items()):
            if not member.is_alias and member.is_module:
                if not name.startswith("_"):
                    modules.append(member)
                continue
            try:
                if not member.is_public:
                    continue
                target = str(member.final_target.path if member.is_alias else member.path)
            except Exception:  # noqa: BLE001, S112 - a name that cannot be followed names nothing
                continue
            public = f"{current.path}.{name}"
            if target != public and len(public) < len(names.get(target, target)):
                names[target] = public
    return names


def _public_path(path: str, names: dict[str, str]) -> str:
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        public = names.get(".".join(parts[:end]))
        if public is not None:
            return ".".join([public, *parts[end:]])
    return path


def _object_path(breakage: griffe.Breakage, names: dict[str, str]) -> str:
    try:
        return _public_path(str(breakage.obj.path), names)
    except Exception:  # noqa: BLE001 - a path that cannot be followed still names the kind
        return ""


def _changes(breakages: Iterable[griffe.Breakage], names: dict[str, str]) -> tuple[Change, ...]:
    changes: list[Change] = []
    seen: set[tuple[str, str]] = set()
    for breakage in breakages:
        path = _object_path(breakage, names)
        message = f"{path}: {_sentence(breakage)}" if path else _sentence(breakage)
        change_id = _slug(breakage.kind)
        if (change_id, message) in seen:
            continue  # one object reached through two public names
        seen.add((change_id, message))
        removed = breakage.kind is griffe.BreakageKind.OBJECT_REMOVED
        changes.append(
            Change(
                id=change_id,
                level="error",
                message=message,
                old_pointer=path,
                new_pointer="" if removed else path,
            )
        )
        if len(changes) >= MAX_BREAKAGES:
            break
    return tuple(changes)


def _compare(old: Any, new: Any, which: str) -> tuple[Change, ...]:
    with capture_griffe(), _without_git():
        try:
            # The new version's public names win; a removed object keeps its old one.
            names = {**_public_names(old), **_public_names(new)}
            return _changes(griffe.find_breaking_changes(old, new), names)
        except Exception as error:  # noqa: BLE001 - one odd SDK never stops the portal
            raise SdkUnavailableError(
                f"the {which} SDKs could not be compared: {type(error).__name__}: {error}"
            ) from None


def _search_path(root: Path, settings: SdkSettings) -> Path:
    """The folder holding the package in `root`, the way the SDK pages find it."""
    base = root.resolve()
    path = (base / settings.path).resolve()
    if not path.is_relative_to(base):
        raise SdkUnavailableError(f"the SDK path {settings.path.as_posix()} leaves the checkout")
    parts = settings.package.split(".")
    target = path.joinpath(*parts)
    if target.is_dir() or target.with_suffix(".py").is_file():
        return path
    # The path may name the package folder itself rather than the folder holding it.
    if len(parts) == 1 and path.name == parts[0] and (path / "__init__.py").is_file():
        return path.parent
    raise SdkUnavailableError(
        f"the package {settings.package} is not in {settings.path.as_posix()}"
    )


def _load(root: Path, settings: SdkSettings, limits: SdkLimits) -> griffe.Module:
    """The package read statically from the tree at `root`."""
    search = _search_path(root, settings)
    loader = griffe.GriffeLoader(search_paths=[search], allow_inspection=False, store_source=False)
    # The SDK pages' bounded finder: the same modules are read, within the same limits.
    loader.__dict__["finder"] = _Finder(search, root.resolve(), limits)
    with capture_griffe(), _without_git():
        try:
            module = loader.load(settings.package, try_relative_path=False)
            # Names imported from the package's own modules are followed now, while the
            # whole package is at hand; what is outside it stays unresolved.
            loader.resolve_aliases(implicit=False, external=False)
        except Exception as error:  # noqa: BLE001 - one broken SDK never stops the portal
            raise SdkUnavailableError(
                f"{settings.package} could not be loaded: {type(error).__name__}: {error}"
            ) from None
    if not isinstance(module, griffe.Module):
        raise SdkUnavailableError(f"{settings.package} is not a module")
    return module


def sdk_breakages(
    old_root: Path,
    new_root: Path,
    settings: SdkSettings,
    limits: SdkLimits = DEFAULT_LIMITS,
) -> tuple[Change, ...]:
    """The API breakages of the SDK from the tree at `old_root` to the one at `new_root`.

    `settings.path` is the SDK's folder relative to each root, as configured.

    Raises:
        SdkUnavailableError: when either version cannot be loaded or compared; the message
            says which and why. Nothing else is raised for any package content.
    """
    try:
        old = _load(old_root, settings, limits)
    except SdkUnavailableError as exc:
        raise SdkUnavailableError(f"the older SDK: {exc}") from None
    try:
        new = _load(new_root, settings, limits)
    except SdkUnavailableError as exc:
        raise SdkUnavailableError(f"the newer SDK: {exc}") from None
    return _compare(old, new, "two")


def _slim(data: Any) -> Any:
    if isinstance(data, dict):
        # Only an object's own keys go: a `members` mapping may hold a member named `docstring`.
        own = isinstance(data.get("kind"), str)
        return {k: _slim(v) for k, v in data.items() if not (own and k in _SURFACE_DROPPED)}
    if isinstance(data, list):
        return [_slim(item) for item in data]
    return data


def sdk_surface(
    root: Path, settings: SdkSettings, limits: SdkLimits = DEFAULT_LIMITS
) -> dict[str, Any]:
    """The SDK's API at `root` as JSON-able data, to compare a later version against.

    The whole top-level package is kept (private modules too): public names often point into
    them, and a breakage is found by following those names.

    Raises:
        SdkUnavailableError: when the package cannot be loaded.
    """
    module = _load(root, settings, limits)
    top = module
    while isinstance(top.parent, griffe.Module):
        top = top.parent
    with capture_griffe():
        try:
            encoded = json.loads(top.as_json(full=False))
        except (TypeError, ValueError, RecursionError) as error:
            raise SdkUnavailableError(
                f"{settings.package} could not be kept: {type(error).__name__}: {error}"
            ) from None
    return {"format": SURFACE_FORMAT, "package": settings.package, "module": _slim(encoded)}


def _decode(surface: Any) -> griffe.Module:
    """The package of a surface, in a module collection so its imports can be followed."""
    if not isinstance(surface, dict) or surface.get("format") != SURFACE_FORMAT:
        raise SdkUnavailableError("the SDK kept by the earlier build is of another format")
    package = surface.get("package")
    data = surface.get("module")
    if not isinstance(package, str) or not re.fullmatch(r"[\w.]+", package) or not data:
        raise SdkUnavailableError("the SDK kept by the earlier build is incomplete")
    try:
        top = json.loads(json.dumps(data), object_hook=griffe.json_decoder)
    except Exception as error:  # noqa: BLE001 - kept data is checked, never trusted
        raise SdkUnavailableError(
            f"the SDK kept by the earlier build cannot be read: {type(error).__name__}: {error}"
        ) from None
    if not isinstance(top, griffe.Module):
        raise SdkUnavailableError("the SDK kept by the earlier build holds no module")
    # Adding it to a collection also attaches the collection to it, for aliases to resolve.
    griffe.ModulesCollection().set_member(top.path, top)
    module: Any = top
    for part in package.split(".")[1:]:
        module = module.members.get(part)
        if not isinstance(module, griffe.Module):
            raise SdkUnavailableError(f"the SDK kept by the earlier build has no {package}")
    return module  # type: ignore[no-any-return]


def sdk_breakages_from_surface(old_surface: Any, new_surface: Any) -> tuple[Change, ...]:
    """The API breakages from one kept surface (`sdk_surface`) to another.

    Raises:
        SdkUnavailableError: when either surface cannot be read or compared.
    """
    return _compare(_decode(old_surface), _decode(new_surface), "kept")


def sdk_breakages_since(
    old_surface: Any, new_root: Path, settings: SdkSettings, limits: SdkLimits = DEFAULT_LIMITS
) -> tuple[Change, ...]:
    """The API breakages from a kept surface to the SDK at `new_root`.

    Raises:
        SdkUnavailableError: when the surface or the SDK cannot be read, or compared.
    """
    return sdk_breakages_from_surface(old_surface, sdk_surface(new_root, settings, limits))
