"""Schemas as HTML trees: nested objects, arrays, merged `allOf`, alternatives, links to models.

Built in Python rather than recursive templates: the largest specs hold thousands of schema
nodes, and a named schema is never expanded here, only linked (it is rendered once, on the
API's models page), so output stays proportionate to the spec.
"""

from __future__ import annotations

import json
from collections.abc import Callable
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


class SchemaHtml:
    """Renders the schemas of one API, linking named schemas through `model_href`."""

    def __init__(self, api: ApiModel, model_href: Callable[[str], str]) -> None:
        self.api = api
        self.model_href = model_href

    # -- small pieces -----------------------------------------------------------------

    def model_link(self, name: str) -> Markup:
        return Markup('<a class="mp-model-link" href="{}">{}</a>').format(
            self.model_href(name), name
        )

    def type_html(self, schema: Any, depth: int = 0) -> Markup:
        """A short type with links: `array of Pet`, `string (uuid)`, `Cat | Dog`."""
        if schema is None:
            return Markup("")
        name = ref_name(self.api, schema)
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
                        shown = [self.type_html(p, depth + 1) or Markup("any") for p in parts[:4]]
                        label = escape(joiner).join(shown)
                        if len(parts) > 4:
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
        if schema is None:
            return Markup("")
        name = ref_name(self.api, schema)
        if name and not expand_named:
            return Markup("")  # the type line links to the model; nothing to expand here
        resolved = resolve(self.api, schema)
        if not isinstance(resolved, dict):
            return Markup("")
        if id(resolved) in seen:
            return Markup('<p class="mp-recursive">Recursive: the schema contains itself here.</p>')
        if depth >= MAX_DEPTH:
            return Markup('<p class="mp-truncated">Nested too deeply to show here.</p>')
        seen = seen | {id(resolved)}
        resolved, includes = merge_all_of(self.api, resolved, seen)
        out: list[Markup] = []
        if includes:
            out.append(
                Markup('<p class="mp-includes">Includes {}.</p>').format(
                    Markup(", ").join(self.model_link(n) for n in dict.fromkeys(includes))
                )
            )
        selector = discriminator(self.api, resolved)
        if selector is not None:
            out.append(self.discriminator_html(selector))
        for combiner, label in (("oneOf", "One of"), ("anyOf", "Any of")):
            parts = resolved.get(combiner)
            if isinstance(parts, list) and parts:
                out.append(self.alternatives(label, parts, depth, seen))
        properties = resolved.get("properties")
        if isinstance(properties, dict) and properties:
            out.append(self.properties(properties, resolved.get("required"), depth, seen))
        additional = resolved.get("additionalProperties")
        if additional is True or additional == {}:
            out.append(Markup('<p class="mp-additional">Other properties are allowed.</p>'))
        elif isinstance(additional, dict):
            out.append(
                Markup('<div class="mp-additional">Other properties: {}{}{}</div>').format(
                    self.type_html(additional),
                    self.facts_html(schema_facts(self.api, additional)),
                    self.tree(additional, depth=depth + 1, seen=seen),
                )
            )
        items = resolved.get("items")
        if isinstance(items, dict) and not ref_name(self.api, items):
            inner = self.tree(items, depth=depth + 1, seen=seen)
            if inner:
                out.append(
                    Markup('<div class="mp-items"><p>Items: {}</p>{}</div>').format(
                        self.type_html(items), inner
                    )
                )
        if not out:
            return Markup("")
        return Markup('<div class="mp-schema-body">{}</div>').format(Markup("").join(out))

    def mapping_target(self, ref: str) -> str | None:
        """The named schema a discriminator mapping value names (a `$ref` or a bare name)."""
        if ref.startswith("#"):
            return ref_name(self.api, {"$ref": ref})
        return ref if ref in self.api.schemas else None

    def discriminator_html(self, selector: Discriminator) -> Markup:
        rows = []
        for value, ref in selector.mapping.items():
            target = self.mapping_target(ref)
            shown = self.model_link(target) if target else Markup("<code>{}</code>").format(ref)
            rows.append(Markup("<li><code>{}</code> → {}</li>").format(value, shown))
        listing = (
            Markup('<ul class="mp-mapping">{}</ul>').format(Markup("").join(rows))
            if rows
            else Markup("")
        )
        return Markup(
            '<div class="mp-discriminator">'
            "<p>Discriminator <code>{}</code> selects the alternative.</p>{}</div>"
        ).format(selector.property_name, listing)

    def alternatives(
        self, label: str, parts: list[Any], depth: int, seen: frozenset[int]
    ) -> Markup:
        items = []
        for index, part in enumerate(parts, 1):
            facts = schema_facts(self.api, part)
            title = ref_name(self.api, part) or facts.title or f"Option {index}"
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
            nested = self.tree(prop, depth=depth + 1, seen=seen)
            description = render_markdown(facts.description) if facts.description else Markup("")
            head = Markup('<code class="mp-prop-name">{}</code> {} {}').format(
                name, self.type_html(prop), self.flags_html(facts, name in required_names)
            )
            detail = Markup("{}{}").format(description, self.facts_html(facts))
            if nested:
                rows.append(
                    Markup(
                        '<li class="mp-prop"><details class="mp-nested"{}>'
                        "<summary>{}</summary>{}{}</details></li>"
                    ).format(Markup(" open") if depth < 1 else Markup(""), head, detail, nested)
                )
            else:
                rows.append(Markup('<li class="mp-prop">{}{}</li>').format(head, detail))
        return Markup('<ul class="mp-props">{}</ul>').format(Markup("").join(rows))

    def schema_block(self, schema: Any, *, expand_named: bool = False) -> Markup:
        """A whole schema: its type line, description, facts and tree."""
        if schema is None:
            return Markup("")
        facts = schema_facts(self.api, schema)
        description = Markup("")
        if facts.description and (expand_named or not facts.ref_name):
            description = render_markdown(facts.description)
        return Markup(
            '<div class="mp-schema"><p class="mp-schema-type">{} {}</p>{}{}{}</div>'
        ).format(
            self.type_html(schema),
            self.flags_html(facts),
            description,
            self.facts_html(facts) if expand_named or not facts.ref_name else Markup(""),
            self.tree(schema, expand_named=expand_named),
        )
