"""Schemas as HTML trees: nested objects, arrays, merged `allOf`, alternatives, links to models.

Built in Python rather than recursive templates: the largest specs hold thousands of schema
nodes, and a named schema is never expanded here, only linked (it is rendered once, on the
API's models page), so output stays proportionate to the spec. The same goes for what bundlers
leave behind: an inline schema that is a copy of a named one links to it, and an inline object
already shown on the page links to where it is shown.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import orjson
from markupsafe import Markup, escape

from mkdocs_platform.models.api import ApiModel, Discriminator, slugify
from mkdocs_platform.openapi.schema import (
    SchemaFacts,
    discriminator,
    merge_all_of,
    ref_name,
    resolve,
    schema_facts,
)
from mkdocs_platform.render.markdown import render_inline, render_markdown

MAX_DEPTH = 12
"""Deeper inline nesting is cut with a note (recursion through named schemas is a link)."""
MAX_PROPERTIES = 400
"""Properties shown per object; the rest are counted."""
MAX_ENUM = 30
"""Enum values shown; the rest are counted."""
MAX_TYPE_PARTS = 4
"""Alternatives a type line names; the rest are an ellipsis."""
MIN_LINKED = 512
"""An inline schema shown again on a page links to its first showing when its HTML is at least
this long; a shorter one is cheaper to repeat than to leave the reader a link to follow."""
MAX_FIELDS = 40
"""Fields a body lists of the model it is; the model's own page has them all."""
MAX_FIELD_TEXT = 240
"""Characters of a field's description a body shows: its first paragraph, cut here."""


def json_text(value: Any) -> str:
    """A value as indented JSON text (for examples and defaults)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, indent=2, default=str)


def value_text(value: Any) -> str:
    """A short value as it would appear in a request: strings bare, the rest as JSON."""
    if isinstance(value, str):
        return value
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, default=str)


def schema_anchor(name: str) -> str:
    """`schema-<slug of its name>`."""
    return "schema-" + (slugify(name) or "unnamed")


_BODY_KEYWORDS = ("properties", "allOf", "oneOf", "anyOf", "items", "additionalProperties")
"""Keywords that give a schema a body worth comparing with others (a bare `string` is not)."""


class SchemaShapes:
    """Which schemas of one API are written the same, shared by all of its pages.

    Bundled specs (GitHub's among them) inline the same objects hundreds of times; comparing
    their JSON finds the copies. A schema is identified by a digest of its JSON with keys
    sorted, so two copies agree whatever order their keys were written in.
    """

    def __init__(self, api: ApiModel) -> None:
        self.api = api
        # Each schema is held beside its digest: a digest filed under the `id` of an object
        # that was freed could be read back for a new object given the same `id`.
        self._digests: dict[int, tuple[Any, bytes | None]] = {}
        self._named: dict[bytes, str] | None = None

    def digest(self, schema: Any) -> bytes | None:
        """The digest of `schema` (as resolved), or None when it has no body to compare."""
        resolved = resolve(self.api, schema)
        if not isinstance(resolved, dict) or not any(k in resolved for k in _BODY_KEYWORDS):
            return None
        cached = self._digests.get(id(resolved))
        if cached is not None and cached[0] is resolved:
            return cached[1]
        try:
            text = orjson.dumps(resolved, option=orjson.OPT_SORT_KEYS)
        except (TypeError, orjson.JSONEncodeError):
            try:
                text = json.dumps(resolved, sort_keys=True, default=str).encode()
            except (TypeError, ValueError):
                text = None  # keys of mixed types (YAML allows them) cannot be sorted
        found = hashlib.blake2b(text, digest_size=8).digest() if text is not None else None
        self._digests[id(resolved)] = (resolved, found)
        return found

    def named(self, schema: Any) -> str | None:
        """The named schema that `schema`, written inline, is a copy of."""
        if ref_name(self.api, schema):
            return None
        digest = self.digest(schema)
        if digest is None:
            return None
        if self._named is None:
            self._named = {}
            for name, named in self.api.schemas.items():
                found = self.digest(named)
                if found is not None:
                    self._named.setdefault(found, name)  # of identical ones, the first
        named_name = self._named.get(digest)
        # The named schema itself, reached some other way than its `$ref`, is not a copy.
        if named_name is not None and resolve(self.api, schema) is self.api.schemas[named_name]:
            return None
        return named_name


class SchemaHtml:
    """Renders the schemas of one page of one API, linking named schemas through `model_href`.

    An inline object shown once on the page is linked, not shown again: the page remembers
    where it showed each one.
    """

    def __init__(
        self,
        api: ApiModel,
        model_href: Callable[[str], str],
        shapes: SchemaShapes | None = None,
        *,
        mappings_once: bool = False,
    ) -> None:
        self.api = api
        self.mappings_once = mappings_once
        """List each discriminator mapping once: on the models page, where every top-level
        schema is always in view, so a later one can link to it."""
        self.model_href = model_href
        self.shapes = shapes if shapes is not None else SchemaShapes(api)
        self._shown: dict[bytes, tuple[str, int, str]] = {}
        """Digest -> (anchor, depth, label) of the inline schemas shown on the page."""
        self._path: list[str] = []
        """Where the tree being rendered is: the model and property names leading to it."""
        self._mappings: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}
        """Discriminator (property, mapping) -> anchor of the page's one listing of its values."""
        self._fields: dict[str, str] = {}
        """Model name -> anchor of the page's one listing of its fields in a body."""

    def name_of(self, schema: Any) -> str | None:
        """The named schema `schema` is: its `$ref`, or the one it is an inline copy of."""
        return ref_name(self.api, schema) or self.shapes.named(schema)

    # -- small pieces -----------------------------------------------------------------

    def model_link(self, name: str) -> Markup:
        return Markup('<a class="mp-model-link" href="{}">{}</a>').format(
            self.model_href(name), name
        )

    def type_html(self, schema: Any, depth: int = 0) -> Markup:
        """A short type with links: `array of Pet`, `string (uuid)`, `Cat | Dog`."""
        if schema is None:
            return Markup("")
        name = self.name_of(schema)
        facts = schema_facts(self.api, schema)
        if name:
            label = self.model_link(name)
        else:
            resolved = resolve(self.api, schema)
            label = Markup("")
            if isinstance(resolved, dict) and depth < 3:
                for combiner, joiner in (("oneOf", " | "), ("anyOf", " | "), ("allOf", " & ")):
                    parts = resolved.get(combiner)
                    if isinstance(parts, list) and parts:
                        shown = [
                            self.type_html(p, depth + 1) or Markup("any")
                            for p in parts[:MAX_TYPE_PARTS]
                        ]
                        label = escape(joiner).join(shown)
                        if len(parts) > MAX_TYPE_PARTS:
                            label += escape(joiner + "…")
                        break
            if not label:
                names = []
                for kind in facts.types or ["any"]:
                    if kind == "array" and isinstance(resolved, dict) and depth < 3:
                        inner = self.type_html(resolved.get("items"), depth + 1) or Markup("any")
                        names.append(Markup("array of ") + inner)
                    else:
                        names.append(escape(kind))
                label = Markup(" | ").join(names)
                if facts.format:
                    label += Markup(' <span class="mp-format">({})</span>').format(facts.format)
        if facts.nullable:
            label += Markup(" | null")
        if depth:
            return label  # one span for the whole type: parts of it need none of their own
        return Markup('<span class="mp-type">{}</span>').format(label)

    def facts_html(self, facts: SchemaFacts) -> Markup:
        """Constraints, enum, default, const and examples as one line of badges."""
        items: list[Markup] = []
        for label, value in facts.constraints:
            items.append(
                Markup('<span class="mp-constraint">{} <code>{}</code></span>').format(label, value)
            )
        if facts.enum:
            shown = Markup(", ").join(
                Markup("<code>{}</code>").format(value_text(v)) for v in facts.enum[:MAX_ENUM]
            )
            more = f" and {len(facts.enum) - MAX_ENUM} more" if len(facts.enum) > MAX_ENUM else ""
            items.append(Markup('<span class="mp-enum">one of {}{}</span>').format(shown, more))
        if facts.has_const:
            items.append(
                Markup('<span class="mp-const">always <code>{}</code></span>').format(
                    value_text(facts.const)
                )
            )
        if facts.has_default:
            items.append(
                Markup('<span class="mp-default">default <code>{}</code></span>').format(
                    value_text(facts.default)
                )
            )
        items.extend(
            Markup('<span class="mp-example">example <code>{}</code></span>').format(
                value_text(example)
            )
            for example in facts.examples[:3]
        )
        if not items:
            return Markup("")
        return Markup('<div class="mp-facts">{}</div>').format(Markup(" ").join(items))

    @staticmethod
    def flags_html(facts: SchemaFacts, required: bool = False) -> Markup:
        flags = []
        if required:
            flags.append(Markup('<span class="mp-flag mp-flag--required">required</span>'))
        if facts.read_only:
            flags.append(Markup('<span class="mp-flag mp-flag--readonly">read-only</span>'))
        if facts.write_only:
            flags.append(Markup('<span class="mp-flag mp-flag--writeonly">write-only</span>'))
        if facts.deprecated:
            flags.append(Markup('<span class="mp-flag mp-flag--deprecated">deprecated</span>'))
        return Markup(" ").join(flags)

    # -- trees ------------------------------------------------------------------------

    def tree(
        self,
        schema: Any,
        *,
        expand_named: bool = False,
        depth: int = 0,
        seen: frozenset[int] = frozenset(),
    ) -> Markup:
        """The body of a schema: its properties, items, alternatives; named schemas as links."""
        body, _ = self._tree(schema, expand_named=expand_named, depth=depth, seen=seen)
        return body

    def _tree(
        self, schema: Any, *, expand_named: bool, depth: int, seen: frozenset[int]
    ) -> tuple[Markup, bool]:
        """(the body, whether it only links to the same schema shown earlier on the page)."""
        if schema is None or (not expand_named and self.name_of(schema)):
            return Markup(""), False  # the type line links to the model; nothing to expand here
        resolved = resolve(self.api, schema)
        if not isinstance(resolved, dict):
            return Markup(""), False
        if id(resolved) in seen:
            return Markup(
                '<p class="mp-recursive">Recursive: the schema contains itself here.</p>'
            ), False
        if depth >= MAX_DEPTH:
            return Markup('<p class="mp-truncated">Nested too deeply to show here.</p>'), False
        # Only nested schemas are compared: a page's top-level schemas (a model, a request
        # body) are what the reader came for, and stay whole.
        digest = self.shapes.digest(resolved) if depth > 0 else None
        anchor = ""
        if digest is not None:
            shown = self._shown.get(digest)
            if shown is not None and shown[1] <= depth:
                return Markup(
                    '<p class="mp-same" data-search-exclude>Same as <a href="#{}">{}</a>.</p>'
                ).format(shown[0], shown[2]), True
            if shown is None:
                anchor = "mp-s-" + digest.hex()
        seen = seen | {id(resolved)}
        # Inside another schema, a named schema it extends is linked, not merged in again.
        resolved, includes = merge_all_of(self.api, resolved, seen, named=depth == 0)
        out: list[Markup] = []
        selector = discriminator(self.api, resolved)
        if selector is not None:
            out.append(self.discriminator_html(selector, depth))
        for combiner, label in (("oneOf", "One of"), ("anyOf", "Any of")):
            parts = resolved.get(combiner)
            if isinstance(parts, list) and parts and not self._named_only(parts, depth, selector):
                out.append(self.alternatives(label, parts, depth, seen))
        properties = resolved.get("properties")
        if isinstance(properties, dict) and properties:
            out.append(self.properties(properties, resolved.get("required"), depth, seen))
        additional = resolved.get("additionalProperties")
        if additional is True or additional == {}:
            out.append(Markup('<p class="mp-additional">Other properties are allowed.</p>'))
        elif isinstance(additional, dict):
            with self._at("other properties"):
                inner = self.tree(additional, depth=depth + 1, seen=seen)
            out.append(
                Markup('<div class="mp-additional">Other properties: {}{}{}</div>').format(
                    self.type_html(additional),
                    self.facts_html(schema_facts(self.api, additional)),
                    inner,
                )
            )
        items = resolved.get("items")
        if isinstance(items, dict):
            with self._at("items"):
                inner = self.tree(items, depth=depth + 1, seen=seen)
            if inner:
                out.append(
                    Markup('<div class="mp-items"><p>Items: {}</p>{}</div>').format(
                        self.type_html(items), inner
                    )
                )
        # Nested, a schema that only adds to named ones says nothing its type line does not.
        if includes and (out or depth == 0):
            out.insert(
                0,
                Markup('<p class="mp-includes">Includes {}.</p>').format(
                    Markup(", ").join(self.model_link(n) for n in dict.fromkeys(includes))
                ),
            )
        if not out:
            return Markup(""), False
        body = Markup("").join(out)
        if digest is None or not anchor or len(body) < MIN_LINKED:
            return Markup('<div class="mp-schema-body">{}</div>').format(body), False
        self._shown[digest] = (anchor, depth, " › ".join(self._path) or "the schema above")
        return Markup('<div class="mp-schema-body" id="{}">{}</div>').format(anchor, body), False

    def _named_only(self, parts: list[Any], depth: int, selector: Discriminator | None) -> bool:
        """Whether nested alternatives are only named schemas, which the type line already
        links, with no discriminator to explain."""
        return (
            depth > 0
            and selector is None
            and len(parts) <= MAX_TYPE_PARTS
            and all(self.name_of(part) for part in parts)
        )

    @contextlib.contextmanager
    def _at(self, step: str | None) -> Iterator[None]:
        """Within this block, trees are rendered one `step` further down the path (None: no
        step)."""
        if step is None:
            yield
            return
        self._path.append(step)
        try:
            yield
        finally:
            self._path.pop()

    def mapping_target(self, ref: str) -> str | None:
        """The named schema a discriminator mapping value names (a `$ref` or a bare name)."""
        if ref.startswith("#"):
            return ref_name(self.api, {"$ref": ref})
        return ref if ref in self.api.schemas else None

    def discriminator_html(self, selector: Discriminator, depth: int = 0) -> Markup:
        """The discriminator and the values it maps. With `mappings_once`, a top-level schema
        lists a mapping the page has not listed yet and links to it after that: every subtype
        of a polymorphic base shows its discriminator, and a base of a thousand subtypes would
        otherwise list them a thousand times."""
        intro = Markup("<p>Discriminator <code>{}</code> selects the alternative.</p>").format(
            selector.property_name
        )
        if not selector.mapping:
            return Markup('<div class="mp-discriminator">{}</div>').format(intro)
        once = self.mappings_once and depth == 0
        key = (selector.property_name, tuple(selector.mapping.items()))
        listed = self._mappings.get(key) if once else None
        if listed is not None:
            return Markup(
                '<div class="mp-discriminator">{}<p class="mp-same">'
                'Its values are listed <a href="#{}">above</a>.</p></div>'
            ).format(intro, listed)
        anchor = ""
        if once:
            anchor = self._mappings[key] = f"mp-d-{len(self._mappings) + 1}"
        rows = []
        for value, ref in selector.mapping.items():
            target = self.mapping_target(ref)
            shown = self.model_link(target) if target else Markup("<code>{}</code>").format(ref)
            rows.append(Markup("<li><code>{}</code> → {}</li>").format(value, shown))
        listing = (
            Markup('<ul class="mp-mapping" id="{}">').format(anchor)
            if anchor
            else Markup('<ul class="mp-mapping">')
        )
        return Markup('<div class="mp-discriminator">{}{}{}</ul></div>').format(
            intro, listing, Markup("").join(rows)
        )

    def alternatives(
        self, label: str, parts: list[Any], depth: int, seen: frozenset[int]
    ) -> Markup:
        items = []
        for index, part in enumerate(parts, 1):
            facts = schema_facts(self.api, part)
            title = self.name_of(part) or facts.title or f"Option {index}"
            with self._at(title):
                body = self.tree(part, depth=depth + 1, seen=seen)
            description = render_inline(facts.description) if facts.description else Markup("")
            items.append(
                Markup(
                    '<li class="mp-alternative"><span class="mp-alt-title">{}</span> {} {}{}</li>'
                ).format(title, self.type_html(part), description, body)
            )
        return Markup('<div class="mp-alternatives"><p>{}:</p><ol>{}</ol></div>').format(
            label, Markup("").join(items)
        )

    def properties(
        self, properties: dict[str, Any], required: Any, depth: int, seen: frozenset[int]
    ) -> Markup:
        required_names = set(required) if isinstance(required, list) else set()
        rows = []
        for index, (name, prop) in enumerate(properties.items()):
            if index >= MAX_PROPERTIES:
                rows.append(
                    Markup('<li class="mp-more">{} more properties</li>').format(
                        len(properties) - MAX_PROPERTIES
                    )
                )
                break
            facts = schema_facts(self.api, prop)
            with self._at(name):
                nested, repeated = self._tree(prop, expand_named=False, depth=depth + 1, seen=seen)
            description = render_markdown(facts.description) if facts.description else Markup("")
            head = Markup('<code class="mp-prop-name">{}</code> {} {}').format(
                name, self.type_html(prop), self.flags_html(facts, name in required_names)
            )
            detail = Markup("{}{}").format(description, self.facts_html(facts))
            if nested and not repeated:
                rows.append(
                    Markup(
                        '<li class="mp-prop"><details class="mp-nested"{}>'
                        "<summary>{}</summary>{}{}</details></li>"
                    ).format(Markup(" open") if depth < 1 else Markup(""), head, detail, nested)
                )
            else:
                rows.append(Markup('<li class="mp-prop">{}{}{}</li>').format(head, detail, nested))
        return Markup('<ul class="mp-props">{}</ul>').format(Markup("").join(rows))

    def body_model(self, schema: Any) -> str | None:
        """The named schema whose fields a body of `schema` lists: the schema's own name, or
        the name of its items when it is an array of a named schema."""
        name = self.name_of(schema)
        if name:
            return name
        resolved = resolve(self.api, schema)
        if isinstance(resolved, dict) and "items" in resolved:
            return self.name_of(resolved["items"])
        return None

    def fields_html(self, name: str) -> Markup:
        """The first level of the named schema `name`: each property's name, type, flags and
        the start of its description, with a link to the model for the rest.

        Deeper levels stay links (a property's type line links its model), so a body costs a
        line per field. A model's fields are listed once per page; later bodies link to that
        listing, as large APIs answer with the same model from many operations.
        """
        named = self.api.schemas.get(name)
        if not isinstance(named, dict):
            return Markup("")
        listed = self._fields.get(name)
        if listed is not None:
            return Markup(
                '<p class="mp-same" data-search-exclude>Fields of {}: <a href="#{}">as listed '
                "above</a>.</p>"
            ).format(self.model_link(name), listed)
        merged, _ = merge_all_of(self.api, named, frozenset({id(named)}), named=True)
        properties = merged.get("properties")
        if not isinstance(properties, dict) or not properties:
            return Markup("")
        required = merged.get("required")
        required_names = set(required) if isinstance(required, list) else set()
        rows = []
        for prop_name, prop in list(properties.items())[:MAX_FIELDS]:
            facts = schema_facts(self.api, prop)
            summary = Markup("")
            if facts.description:
                summary = Markup(' <span class="mp-field-text">{}</span>').format(
                    render_inline(_first_paragraph(facts.description))
                )
            rows.append(
                Markup(
                    '<li class="mp-prop"><code class="mp-prop-name">{}</code> {} {}{}</li>'
                ).format(
                    prop_name,
                    self.type_html(prop),
                    self.flags_html(facts, prop_name in required_names),
                    summary,
                )
            )
        anchor = "mp-f-" + hashlib.blake2b(name.encode(), digest_size=6).hexdigest()
        self._fields[name] = anchor
        more = len(properties) - MAX_FIELDS
        tail = (
            Markup('<p class="mp-more">{} more field{}, and every nested one: see {}.</p>').format(
                more, "s" if more > 1 else "", self.model_link(name)
            )
            if more > 0
            else Markup('<p class="mp-more">Nested fields: see {}.</p>').format(
                self.model_link(name)
            )
        )
        return Markup('<div class="mp-fields" id="{}"><ul class="mp-props">{}</ul>{}</div>').format(
            anchor, Markup("").join(rows), tail
        )

    def schema_block(self, schema: Any, *, expand_named: bool = False) -> Markup:
        """A whole schema: its type line, description, facts and tree; for a body that is a
        named schema (or an array of one), the model's first level of fields."""
        if schema is None:
            return Markup("")
        facts = schema_facts(self.api, schema)
        description = Markup("")
        if facts.description and (expand_named or not facts.ref_name):
            description = render_markdown(facts.description)
        with self._at(facts.ref_name if expand_named else None):
            body = self.tree(schema, expand_named=expand_named)
        if not expand_named and not body:
            model = self.body_model(schema)
            if model is not None:
                body = self.fields_html(model)
        return Markup(
            '<div class="mp-schema"><p class="mp-schema-type">{} {}</p>{}{}{}</div>'
        ).format(
            self.type_html(schema),
            self.flags_html(facts),
            description,
            self.facts_html(facts) if expand_named or not facts.ref_name else Markup(""),
            body,
        )


def _first_paragraph(text: str) -> str:
    """The first paragraph of a description, cut at MAX_FIELD_TEXT characters."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    if len(paragraph) <= MAX_FIELD_TEXT:
        return paragraph
    return paragraph[:MAX_FIELD_TEXT].rsplit(" ", 1)[0] + " …"


_SIZE_TEXT_KEYS = ("description", "title")
_SIZE_VALUE_KEYS = ("example", "examples", "default", "const")


def estimated_size(api: ApiModel, schema: Any) -> int:
    """Roughly how many bytes of HTML `schema` takes shown whole, as on its model's page.

    Counted from the schema's own text without rendering it: planning uses it to share models
    among pages before any is rendered. A `$ref` counts as the link it becomes, except for the
    named schemas the model is or merges in with a top-level `allOf`, which are shown in full.
    """
    total = 450  # the heading, its table-of-contents entry and the type line
    # (node, whether it is the model itself or merged into it): walked without recursion, as
    # a spec may nest deeper than Python's stack.
    stack: list[tuple[Any, bool]] = [(schema, True)]
    merged: set[int] = set()
    while stack:
        node, top = stack.pop()
        if isinstance(node, list):
            stack.extend((item, False) for item in node)
            continue
        if not isinstance(node, dict):
            continue
        if "$ref" in node:
            target = resolve(api, node) if top else None
            if isinstance(target, dict) and id(target) not in merged:
                merged.add(id(target))
                stack.append((target, True))
            else:
                total += 90
            continue
        properties = node.get("properties")
        if isinstance(properties, dict):
            total += 230 * min(len(properties), MAX_PROPERTIES)
        for key, value in node.items():
            if key in _SIZE_TEXT_KEYS:
                total += len(value) + 10 if isinstance(value, str) else 0
            elif key == "enum" and isinstance(value, list):
                total += 40 + sum(min(len(str(v)), 60) + 16 for v in value[:MAX_ENUM])
            elif key in _SIZE_VALUE_KEYS:
                total += 40 + min(len(str(value)), 200)
            elif key == "allOf" and top and isinstance(value, list):
                stack.extend((part, True) for part in value)
            elif isinstance(value, dict | list):
                stack.append((value, False))
    return total
