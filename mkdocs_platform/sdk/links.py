"""Links between SDK methods and API operations, both ways, and the SDK's operation coverage.

An operation is linked to a method by, in order of authority:

1. `x-sdk-method` on the operation (a string or a list of them): the method's Python path,
   public (`pkg.Pets.list`) or through attributes (`pkg.Client.pets.list`);
2. the method's docstring naming the operationId;
3. names: the operationId against the method's name and the resources it hangs off (its
   class, module and the attributes that reach it), in camelCase, snake_case, `resource.verb`
   and `verbResource` forms, singular or plural.

Names are only compared for operations and methods that no explicit marker links, so a
marker always wins over a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mkdocs_platform.models import Finding, Locate
from mkdocs_platform.models.api import ApiModel, Operation
from mkdocs_platform.models.pointers import to_pointer
from mkdocs_platform.models.sdk import SdkLinks, SdkModel, SdkModule, SdkObject, _op_key

LINK_RULE = "sdk-link"
"""Rule id of findings about `x-sdk-method` markers that name no method."""

MARKER = "x-sdk-method"


MAX_CONTEXT = 3
"""Resource names (class, module, attribute) a method's name is combined with, at most."""
MAX_ACCESS_DEPTH = 3
"""Attributes followed from a client to a resource (`client.chat.completions`)."""

_SPLIT = re.compile(r"[^A-Za-z0-9]+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_URL = re.compile(r"\]\([^)]*\)|<?\b[a-z][a-z0-9+.-]*://[^\s>)]*>?", re.IGNORECASE)
"""Links in prose: an operationId in a URL points at some page, it does not name this method."""
_TOKEN = re.compile(r"`{1,2}([^`\s]+?)`{1,2}|([A-Za-z_][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z_])")
_NOISE = frozenset(
    {
        "api",
        "client",
        "resource",
        "service",
        "sdk",
        "endpoint",
        "async",
        "sync",
        "operation",
        "impl",
        "base",
        "default",
        "manager",
        "handler",
    }
)
"""Words of class and module names that say how an SDK is built, not what it acts on
(`PetsResource`, `AsyncPetService`); names are compared with and without them."""


def words(text: str) -> list[str]:
    """Lowercase words of an identifier in any case style (`listPets`, `list_pets`, `Pets`)."""
    return [w.lower() for part in _SPLIT.split(text) for w in _CAMEL.findall(part)]


def stem(word: str) -> str:
    """A word without its plural ending (`pets` -> `pet`, `categories` -> `category`)."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "uses")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def name_key(parts: Iterable[str]) -> tuple[str, ...]:
    """Words compared for a match: stemmed, without numbers, repeats collapsed."""
    key: list[str] = []
    for word in parts:
        if word.isdigit():
            continue
        stemmed = stem(word)
        if not key or key[-1] != stemmed:
            key.append(stemmed)
    return tuple(key)


def _methods(sdk: SdkModel) -> list[SdkObject]:
    return [obj for obj in sdk.objects.values() if obj.is_callable]


# -- explicit markers -------------------------------------------------------------------


def _member(
    sdk: SdkModel, current: SdkModule | SdkObject, name: str
) -> SdkModule | SdkObject | None:
    if isinstance(current, SdkModule):
        for obj in current.objects:
            if obj.name == name:
                return obj
        for reexport in current.reexports:
            if reexport.name == name and reexport.home:
                return sdk.find(reexport.home)
        return sdk.module(f"{current.path}.{name}")
    if current.kind in ("attribute", "property"):
        # `client.pets.list`: go on from the class the attribute holds.
        held = sdk.find(current.annotation_path) if current.annotation_path else None
        if held is None:
            return None
        current = held
    return next((m for m in current.members if m.name == name), None)


def resolve_method(sdk: SdkModel, dotted: str) -> SdkObject | None:
    """The function or method `dotted` names, as a public path or through attributes."""
    direct = sdk.find(dotted)
    if direct is not None:
        return direct if direct.is_callable else None
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        prefix = ".".join(parts[:cut])
        current: SdkModule | SdkObject | None = sdk.find(prefix) or sdk.module(prefix)
        if current is None:
            continue
        for name in parts[cut:]:
            current = _member(sdk, current, name)
            if current is None:
                break
        if isinstance(current, SdkObject) and current.is_callable:
            return current
        return None
    return None


def _markers(op: Operation) -> list[str]:
    value = op.extensions.get(MARKER)
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _distinctive(token: str) -> bool:
    """Whether a bare word in prose can be taken for an operationId (`listPets`, not `list`)."""
    return any(c.isupper() or c.isdigit() or c in "_-." for c in token)


def _mentions(method: SdkObject, operation_ids: set[str]) -> set[str]:
    if method.docstring is None:
        return set()
    found: set[str] = set()
    for match in _TOKEN.finditer(_URL.sub(" ", method.docstring.text)):
        quoted, bare = match.group(1), match.group(2)
        token = quoted or bare
        if token in operation_ids and (quoted or _distinctive(token)):
            found.add(token)
    return found


# -- names ------------------------------------------------------------------------------


def _access_chains(sdk: SdkModel) -> dict[str, list[list[str]]]:
    """Class home -> the attribute names that reach it (`[["chat", "completions"]]`)."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for obj in sdk.objects.values():
        if obj.kind not in ("attribute", "property") or not obj.annotation_path:
            continue
        held = sdk.home(obj.annotation_path)
        if held is None:
            continue
        owner = obj.path.rsplit(".", 1)[0]
        edges.setdefault(held, []).append((owner, obj.name))

    def chains(home: str, depth: int, seen: frozenset[str]) -> list[list[str]]:
        result: list[list[str]] = []
        for owner, name in edges.get(home, []):
            result.append([name])
            if depth < MAX_ACCESS_DEPTH and owner not in seen:
                result.extend([*chain, name] for chain in chains(owner, depth + 1, seen | {owner}))
        return result

    return {home: chains(home, 1, frozenset({home})) for home in edges}


def _segments(parts: Iterable[str]) -> list[list[str]]:
    """Words of each name, private names left out and repeats collapsed.

    `resources/chat/completions/completions.py: AsyncCompletions` gives `chat`,
    `completions`: a module and the class it holds say the same thing once.
    """
    segments: list[list[str]] = []
    for part in parts:
        if part.startswith("_"):
            continue
        segment = words(part)
        if segment and (not segments or _meaning(segments[-1]) != _meaning(segment)):
            segments.append(segment)
    return segments


def _meaning(segment: list[str]) -> tuple[str, ...]:
    """A name without the words that say how the SDK is built (`AsyncVectorStores`)."""
    return name_key(w for w in segment if stem(w) not in _NOISE) or name_key(segment)


def _candidates(
    method: SdkObject, access: dict[str, list[list[str]]]
) -> dict[tuple[str, ...], int]:
    """Every name key the method answers to, with how many resource words it leaves unused.

    A method whose path says more than the operationId does (`vector_stores.files.delete`
    for `deleteFile`) matches less well than one that says just that (`files.delete`).
    """
    verb = words(method.name)
    parts = method.path.split(".")
    owner = ".".join(parts[:-1])
    contexts = [_segments(parts[1:-1])]
    contexts.extend(_segments(chain) for chain in access.get(owner, []))
    keys: dict[tuple[str, ...], int] = {}
    for context in contexts:
        for size in range(min(len(context), MAX_CONTEXT) + 1):
            cut = len(context) - size
            unused = len({stem(w) for seg in context[:cut] for w in seg} - _NOISE)
            flat = [w for segment in context[cut:] for w in segment]
            for resource in (flat, [w for w in flat if stem(w) not in _NOISE]):
                for order in (verb + resource, resource + verb):
                    key = name_key(order)
                    if key and unused < keys.get(key, unused + 1):
                        keys[key] = unused
    return keys


def link_operations(
    model: ApiModel,
    sdks: Sequence[SdkModel],
    spec_path: str | None = None,
    locate: Locate | None = None,
) -> SdkLinks:
    """Link the API's operations and its SDKs' methods; unresolved markers become findings."""
    links = SdkLinks(operations=list(model.operations))
    explicit_ops: set[str] = set()
    explicit_methods: set[tuple[str, str]] = set()
    for op in links.operations:
        for marker in _markers(op):
            resolved = next(
                ((sdk, m) for sdk in sdks if (m := resolve_method(sdk, marker)) is not None),
                None,
            )
            explicit_ops.add(_op_key(op))
            if resolved is None:
                links.findings.append(_marker_finding(op, marker, sdks, spec_path, locate))
                continue
            sdk, method = resolved
            links.add(op, sdk, method, "x-sdk-method")
            explicit_methods.add((sdk.package, method.path))
    by_id: dict[str, list[Operation]] = {}
    for op in links.operations:
        if op.operation_id:
            by_id.setdefault(op.operation_id, []).append(op)
    for sdk in sdks:
        for method in _methods(sdk):
            for operation_id in sorted(_mentions(method, set(by_id))):
                for op in by_id[operation_id]:
                    links.add(op, sdk, method, "docstring")
                    explicit_methods.add((sdk.package, method.path))
    # An operation with a marker is not guessed for, even when the marker names nothing: the
    # author said which method it is, and the finding tells them the name is wrong.
    linked = {_op_key(op) for op in links.operations if links.methods_for(op)} | explicit_ops
    wanted: dict[tuple[str, ...], list[Operation]] = {}
    for op in links.operations:
        if op.operation_id and _op_key(op) not in linked:
            wanted.setdefault(name_key(words(op.operation_id)), []).append(op)
    # Each operation takes the methods that match it best (sync and async twins tie).
    matches: dict[tuple[str, ...], list[tuple[int, SdkModel, SdkObject]]] = {}
    if wanted:
        for sdk in sdks:
            access = _access_chains(sdk)
            for method in _methods(sdk):
                if (sdk.package, method.path) in explicit_methods:
                    continue
                for key, unused in _candidates(method, access).items():
                    if key in wanted:
                        matches.setdefault(key, []).append((unused, sdk, method))
    for key, found in matches.items():
        best = min(unused for unused, _, _ in found)
        for op in wanted[key]:
            for unused, sdk, method in found:
                if unused == best:
                    links.add(op, sdk, method, "name")
    return links


def _marker_finding(
    op: Operation,
    marker: str,
    sdks: Sequence[SdkModel],
    spec_path: str | None,
    locate: Locate | None,
) -> Finding:
    tokens = [*op.pointer, MARKER]
    file, line, column, pointer = (
        locate(tokens) if locate else (spec_path, None, None, to_pointer(tokens))
    )
    packages = ", ".join(sdk.package for sdk in sdks) or "none"
    return Finding(
        rule=LINK_RULE,
        severity="warn",
        finding_class="sdk",
        message=(
            f"{op.label}: {MARKER} names {marker}, which is no public function or method "
            f"of the API's SDKs ({packages})"
        ),
        file=file,
        line=line,
        column=column,
        pointer=pointer,
        symbol=marker,
    )
