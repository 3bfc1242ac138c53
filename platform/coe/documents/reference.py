"""The field-by-field reference of a format, generated from its JSON Schema (pure).

docs/formats/*.md hold sections between `<!-- generated: fields NAME -->` and
`<!-- end generated -->`; `coe json-schemas` (`make schema`) rewrites them from the schemas it
writes, and a test fails when a committed page differs, so the reference cannot drift from the
code. Knows no document kind: the caller says which schema fills which section.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from coe.documents.fields import DURATION_PATTERN, ID_PATTERN, KEY_PATTERN, SEMVER_PATTERN

START = re.compile(r"<!-- generated: fields ([a-z0-9-]+) -->")
END = "<!-- end generated -->"
PATTERN_NAMES = {
    KEY_PATTERN: "a key: lowercase letters, digits and `-`, 2 to 64 characters",
    ID_PATTERN: "an id: lowercase letters, digits, `.`, `_`, `-`, up to 128 characters",
    SEMVER_PATTERN: "a semantic version, e.g. `2.1.0`",
    DURATION_PATTERN: "a duration: a number and `ms`, `s`, `m`, `h` or `d` (`90s`, `2h`)",
    r"^[A-Z][A-Z0-9-]{1,31}$": "an upper-case code, e.g. `DT-MECH`",
    r"^[a-z][a-z0-9_]{0,62}$": "a name: lowercase letters, digits and `_`",
    r"\S": "not blank",
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$": (
        "an RFC 3339 timestamp with offset, e.g. `2026-11-30T08:15:02+08:00`"
    ),
}
TYPE_NAMES = {
    "object": "mapping",
    "array": "list",
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class FieldRow:
    """One field of a format: where it is, what it holds, and what it must satisfy."""

    pointer: str
    type: str
    required: bool
    constraints: str
    description: str


def fields_markdown(schema: Mapping[str, Any]) -> str:
    """The reference of a whole schema: one table, or for a union of variants (production
    events), a table of the fields they share and one per variant for the rest."""
    variants = schema.get("oneOf")
    if not variants:
        return _intro(_resolve(schema, schema)) + "\n\n" + _table(field_rows(schema))
    resolved = [_resolve(schema, variant) for variant in variants]
    tables = [field_rows(schema, variant) for variant in resolved]
    shared = [row for row in tables[0] if all(row in rows for rows in tables[1:])]
    parts = [_intro(resolved[0]), "", "The fields they all have:", "", _table(shared)]
    for variant, rows in zip(resolved, tables, strict=True):
        kind = variant.get("properties", {}).get("type", {}).get("const", variant.get("title"))
        parts += ["", f"#### `{kind}`", "", _cell(variant.get("description", "")), ""]
        parts.append(_table([row for row in rows if row not in shared]))
    return "\n".join(parts)


def field_rows(root: Mapping[str, Any], node: Mapping[str, Any] | None = None) -> list[FieldRow]:
    """Every field under `node` (default: the root), depth first, in the schema's order."""
    return list(_fields(root, _resolve(root, node or root), "", ()))


def rewrite_sections(text: str, sections: Mapping[str, str]) -> str:
    """`text` with each generated section replaced by `sections[name]`; an unknown name or a
    section without its end marker is an error (a typo must not leave a section stale)."""
    out, position = [], 0
    for start in START.finditer(text):
        if start.start() < position:
            raise ValueError(f"generated section {start.group(1)!r} starts inside another")
        name = start.group(1)
        if name not in sections:
            known = ", ".join(sorted(sections))
            raise ValueError(f"unknown generated section {name!r} (known: {known})")
        end = text.find(END, start.end())
        if end < 0:
            raise ValueError(f"generated section {name!r} has no {END!r}")
        out += [text[position : start.end()], "\n", sections[name].strip(), "\n"]
        position = end
    return "".join(out) + text[position:]


def section_names(text: str) -> list[str]:
    """The generated sections a page holds, in order."""
    return [match.group(1) for match in START.finditer(text)]


def _intro(schema: Mapping[str, Any]) -> str:
    closed = schema.get("additionalProperties") is False
    return (
        "A mapping; a field not listed here is refused."
        if closed
        else "A JSON object; members not listed here are ignored."
    )


def _table(rows: list[FieldRow]) -> str:
    lines = [
        "| field | type | required | constraints | description |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{row.pointer}` | {_cell(row.type)} | {'yes' if row.required else ''} | "
        f"{_cell(row.constraints)} | {_cell(row.description)} |"
        for row in rows
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _resolve(root: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """`node` with its `$ref` followed (the referring site's keys win) and `| None` dropped."""
    resolved = dict(node)
    while "$ref" in resolved:
        name = str(resolved.pop("$ref")).rsplit("/", 1)[-1]
        resolved = {**root["$defs"][name], "x-def": name, **resolved}
    options = [option for option in resolved.get("anyOf", []) if option.get("type") != "null"]
    if "anyOf" in resolved and len(options) == 1:
        outer = {k: v for k, v in resolved.items() if k != "anyOf"}
        resolved = {**_resolve(root, options[0]), **outer}
    elif "anyOf" in resolved:
        resolved["anyOf"] = [_resolve(root, option) for option in options]
    return resolved


def _fields(
    root: Mapping[str, Any], schema: Mapping[str, Any], at: str, stack: tuple[str, ...]
) -> Iterator[FieldRow]:
    stack = (*stack, schema["x-def"]) if "x-def" in schema else stack
    required = set(schema.get("required", []))
    for name, member in schema.get("properties", {}).items():
        field = _resolve(root, member)
        pointer = f"{at}/{name}"
        yield FieldRow(
            pointer,
            _type(root, field),
            name in required,
            _constraints(root, field, stack),
            str(field.get("description", "")),
        )
        if field.get("x-def") not in stack:
            yield from _nested(root, field, pointer, stack)


def _nested(
    root: Mapping[str, Any], field: Mapping[str, Any], at: str, stack: tuple[str, ...]
) -> Iterator[FieldRow]:
    """The fields inside a mapping, a list's items or a map's values."""
    if "properties" in field:
        yield from _fields(root, field, at, stack)
    elif isinstance(field.get("additionalProperties"), dict):
        values = _resolve(root, field["additionalProperties"])
        if values.get("x-def") not in stack:
            yield from _nested(root, values, at + "/{name}", stack)
    elif isinstance(field.get("items"), dict):
        items = _resolve(root, field["items"])
        if items.get("x-def") not in stack:
            yield from _nested(root, items, at + "/*", stack)


def _type(root: Mapping[str, Any], field: Mapping[str, Any]) -> str:
    field = _resolve(root, field)
    if "anyOf" in field:
        names = [_type(root, option) for option in field["anyOf"]]
        if "number" in names and "integer" in names:
            names.remove("integer")
        return " or ".join(dict.fromkeys(names))
    kind = field.get("type")
    if kind == "array" and isinstance(field.get("items"), dict):
        return f"list of {_plural(_type(root, field['items']))}"
    if kind == "object" and isinstance(field.get("additionalProperties"), dict):
        return f"mapping of name to {_type(root, field['additionalProperties'])}"
    if kind is None and "properties" in field:
        kind = "object"
    return TYPE_NAMES.get(str(kind), "any") if kind else "any"


def _plural(name: str) -> str:
    return {"any": "values", "mapping": "mappings", "list": "lists"}.get(name, name + "s")


def _constraints(root: Mapping[str, Any], field: Mapping[str, Any], stack: tuple[str, ...]) -> str:
    found = list(_limits(field))
    if "anyOf" in field:
        found += [limit for option in field["anyOf"] for limit in _limits(option)]
    items = _resolve(root, field["items"]) if isinstance(field.get("items"), dict) else None
    if items is not None:
        found += [f"each: {limit}" for limit in _limits(items)]
    if field.get("x-def") in stack or (items is not None and items.get("x-def") in stack):
        found.append("nests: the same fields again, one level down")
    if "default" in field and field["default"] not in (None, [], {}):
        found.append(f"default `{json.dumps(field['default'])}`")
    return "; ".join(found)


def _limits(field: Mapping[str, Any]) -> Iterator[str]:
    if "const" in field:
        yield f"exactly `{field['const']}`"
    if "enum" in field:
        yield "one of " + ", ".join(f"`{value}`" for value in field["enum"])
    if "pattern" in field:
        pattern = str(field["pattern"])
        yield PATTERN_NAMES.get(pattern, f"matches `{pattern}`")
    if "format" in field and "pattern" not in field:
        yield f"format {field['format']}"
    for key, text in (
        ("minimum", "≥ {}"),
        ("exclusiveMinimum", "> {}"),
        ("maximum", "≤ {}"),
        ("exclusiveMaximum", "< {}"),
        ("minLength", "at least {} characters"),
        ("maxLength", "at most {} characters"),
        ("minItems", "at least {} items"),
        ("maxItems", "at most {} items"),
    ):
        if key == "minLength" and field.get(key) == 1:
            yield "not empty"
        elif key == "minItems" and field.get(key) == 1:
            yield "at least one"
        elif key in field:
            yield text.format(field[key])
