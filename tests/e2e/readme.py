"""The README's shell examples as data: its ```bash blocks, split into the commands a user types,
each with what its trailing comment promises (an error code, a blocked plan)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^```(\w*)\s*$")
SKIP = re.compile(r"^<!--\s*readme-test:\s*skip\b(?P<why>.*?)-->\s*$")
CONTINUED = ("\\", "|", "&&", "||")


@dataclass(frozen=True)
class Command:
    text: str  # what bash runs, continuation lines included
    line: int  # where it starts in the README (1-based)
    comment: str  # its trailing comment, without the '#'

    def expected_codes(self, codes: frozenset[str]) -> set[str]:
        """The error codes its comment promises in the output (`# FORBIDDEN`)."""
        return {word for word in re.findall(r"\b[A-Z][A-Z_]+\b", self.comment) if word in codes}

    @property
    def expects_blocked(self) -> bool:
        """`# blocked: …` — the command refuses (exits non-zero) and says blocked."""
        return self.comment.lstrip().lower().startswith("blocked")


@dataclass(frozen=True)
class Block:
    line: int
    commands: tuple[Command, ...]
    skipped: str | None  # why the README test does not run it


def blocks(readme: Path) -> list[Block]:
    """Every ```bash block of the README, in order."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        start, language = index, fence.group(1)
        index += 1
        body: list[tuple[int, str]] = []
        while index < len(lines) and not FENCE.match(lines[index]):
            body.append((index + 1, lines[index]))
            index += 1
        index += 1
        if language != "bash":
            continue
        marker = SKIP.match(lines[start - 1]) if start else None
        found.append(
            Block(start + 1, tuple(commands(body)), marker.group("why").strip() if marker else None)
        )
    return found


def commands(body: list[tuple[int, str]]) -> list[Command]:
    """Join continuation lines into commands; comment-only lines (shown output) are left out."""
    result: list[Command] = []
    pending: list[str] = []
    code_lines: list[str] = []
    first = 0
    for number, raw in body:
        if not pending and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        if not pending:
            first = number
        pending.append(raw)
        inside_quote = unclosed_quote("\n".join(code_lines))
        code, comment = (raw, "") if inside_quote else split_comment(raw)
        code_lines.append(code)
        if code.rstrip().endswith(CONTINUED) or unclosed_quote("\n".join(code_lines)):
            continue
        result.append(Command("\n".join(pending), first, comment))
        pending, code_lines = [], []
    if pending:
        raise ValueError(f"README line {first}: the command never ends")
    return result


def split_comment(line: str) -> tuple[str, str]:
    """`code  # comment` → (code, comment), with '#' inside quotes or words left alone."""
    quote: str | None = None
    for position, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (position == 0 or line[position - 1].isspace()):
            return line[:position], line[position + 1 :].strip()
    return line, ""


def unclosed_quote(text: str) -> bool:
    quote: str | None = None
    for char in text:
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
    return quote is not None
