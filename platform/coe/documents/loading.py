"""Reading the YAML files users write, safely: size, alias and node limits, no duplicate keys.

PyYAML's safe loader never runs code, but it will happily build a "billion laughs" document
(aliases of aliases) whose expansion exhausts memory later, and it silently keeps the last of
two duplicate keys. Both are refused here, with the file position, before anything else runs.
Nesting is limited while the document is composed (PyYAML's composer recurses, so thousands of
`[` would otherwise end in a RecursionError), and strings that PostgreSQL cannot store (NUL,
unpaired surrogates, both reachable through double-quoted escapes) are refused with a pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from coe.errors import ValidationFailedError
from coe.text import unstorable

MAX_BYTES = 1_048_576
MAX_ALIASES = 64
MAX_NODES = 100_000
MAX_DEPTH = 64


class DocumentError(Exception):
    """The file cannot be read as a document; `pointer` says where, when known."""

    def __init__(self, reason: str, pointer: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.pointer = pointer


class Severity(StrEnum):
    """How bad a violation is: an error refuses the document, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Violation:
    """One problem: where (a JSON pointer into the document), why in plain words, how bad."""

    pointer: str
    reason: str
    severity: Severity = Severity.ERROR

    def as_dict(self) -> dict[str, str]:
        found = {"path": self.pointer, "reason": self.reason}
        if self.severity is not Severity.ERROR:
            found["severity"] = self.severity.value
        return found


def pointer(*parts: str | int) -> str:
    """JSON pointer (RFC 6901) from path parts."""
    escaped = (str(part).replace("~", "~0").replace("/", "~1") for part in parts)
    return "".join("/" + part for part in escaped)


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts aliases and bounds nesting as nodes are composed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0
        self.path: list[str | int] = []

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise DocumentError(
                    f"more than {MAX_ALIASES} YAML aliases (line {mark.line + 1}): refused"
                )
        if parent is None:
            return super().compose_node(parent, index)
        self.path.append(_part(index))
        try:
            if len(self.path) > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise DocumentError(
                    f"nested deeper than {MAX_DEPTH} levels (line {mark.line + 1})",
                    pointer(*self.path),
                )
            return super().compose_node(parent, index)
        finally:
            self.path.pop()


def _part(index: Any) -> str | int:
    """The pointer part of a node being composed: its list index or its mapping key."""
    if isinstance(index, int):
        return index
    if isinstance(index, ScalarNode):
        return str(index.value)
    return "?"  # a mapping key itself (complex keys nest too)


def _measure(node: Node, path: tuple[str | int, ...], budget: list[int]) -> None:
    """Walk the node graph as it would expand (aliases counted each time they are used)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise DocumentError(f"the document expands to more than {MAX_NODES} nodes: refused")
    if len(path) > MAX_DEPTH:
        raise DocumentError(f"nested deeper than {MAX_DEPTH} levels", pointer(*path))
    if isinstance(node, ScalarNode) and (problem := unstorable(node.value)):
        raise DocumentError(f"the value {problem}", pointer(*path))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _measure(item, (*path, index), budget)
    elif isinstance(node, MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else repr(key_node)
            if isinstance(key, str) and (problem := unstorable(key)):
                raise DocumentError(f"the field name {problem}", pointer(*path))
            if key in seen:
                raise DocumentError(
                    f"duplicate key {key!r} (lines {seen[key] + 1} and "
                    f"{key_node.start_mark.line + 1})",
                    pointer(*path),
                )
            seen[key] = key_node.start_mark.line
            _measure(value_node, (*path, str(key)), budget)


def parse_yaml(text: str) -> Any:
    """Parse one YAML document within the limits above."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise DocumentError(f"larger than {MAX_BYTES} bytes: refused")
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here already
        node = loader.get_single_node()
        if node is None:
            raise DocumentError("the file is empty")
        _measure(node, (), [MAX_NODES])
        return loader.construct_document(node)
    except yaml.reader.ReaderError as error:
        raise DocumentError(_unreadable(text, error)) from None
    except yaml.YAMLError as error:
        raise DocumentError(f"not valid YAML: {error}".replace("\n", " ")) from None
    except (ValueError, OverflowError, RecursionError) as error:
        # Values the safe constructor cannot build: 2024-13-45, an int of 5,000 digits.
        reason = str(error).split("; use sys.", 1)[0]  # no advice meant for Python programmers
        raise DocumentError(f"not valid YAML: {reason}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _unreadable(text: str, error: yaml.reader.ReaderError) -> str:
    """Where the reader found a character YAML does not allow, in the author's terms."""
    position = error.position
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = error.character if isinstance(error.character, int) else ord(error.character)
    return (
        f"not valid YAML: line {line}, column {column}: the character U+{character:04X} is "
        "not allowed (YAML allows no control characters and no unpaired surrogates)"
    )


def load_mapping(text: str) -> dict[str, Any]:
    """A YAML document that must be a mapping (every COE file is one)."""
    document = parse_yaml(text)
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "nothing"
        raise DocumentError(f"the document must be a mapping of fields, not {kind}")
    if any(not isinstance(key, str) for key in document):
        raise DocumentError("every field name must be a string")
    return document


def parse_source(source: str) -> dict[str, Any]:
    """A document sent as YAML (or JSON) text, read within the same limits as files."""
    try:
        return load_mapping(source)
    except DocumentError as error:
        raise ValidationFailedError(
            "the document cannot be read", [Violation(error.pointer, error.reason).as_dict()]
        ) from None


def read_mapping(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(f"larger than {MAX_BYTES} bytes ({size}): refused")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(f"not UTF-8 text (byte {error.start}): refused") from None
    return load_mapping(text)


def yaml_files(paths: list[Path]) -> list[Path]:
    """Files given, and every *.yaml / *.yml under folders given, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(path)
    return found
