"""How every command speaks: rich tables for people, plain rows and JSON for scripts, one
error style.

Every command takes `--output table|plain|json` (`-o`, kubectl's convention; `--json` is
`-o json`): the option is added to each command in one place (`coe.cli.command`) and stored
here, where `emit`, `table`, `show_or_follow` and `console.print` read it. Without a terminal,
nothing is cut to a width: tables keep ids and hashes whole.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from rich.tree import Tree
from typer._click.globals import get_current_context

# Wide enough that no table is ever cut when the output goes to a pipe or a file.
PIPE_WIDTH = 100_000


class Output(StrEnum):
    """How a command prints its answer."""

    TABLE = "table"
    PLAIN = "plain"
    JSON = "json"


@dataclass
class Choice:
    """The output chosen for the command being run (set by the injected options)."""

    output: Output = Output.TABLE
    json_flag: bool = False


# Kept in the click context's meta: one choice per command run, also for in-process runners.
META = "coe.cli.output"


def choose_output(
    meta: dict[str, Any], output: Output | str | None = None, *, json_flag: bool = False
) -> None:
    """Record the command's `--output`/`--json` choice (called by the options' callbacks)."""
    choice: Choice = meta.setdefault(META, Choice())
    if output is not None:
        choice.output = Output(output)
    choice.json_flag = choice.json_flag or json_flag


def chosen() -> Output:
    """The output format of this command run (table outside a command)."""
    context = get_current_context(silent=True)
    choice: Choice = context.meta.get(META, Choice()) if context is not None else Choice()
    return Output.JSON if choice.json_flag else choice.output


def wants_json(as_json: bool = False) -> bool:
    """Whether to print JSON: the command's own `--json`, or `-o json`."""
    return as_json or chosen() is Output.JSON


def _plain_cell(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Text):
        text = cell.plain
    elif isinstance(cell, str):
        text = _markup_free(cell)
    else:
        text = " ".join(line.strip() for line in _render_plain(cell))
    return " ".join(text.replace("\t", " ").split("\n"))


def _plain_tree(tree: Tree, depth: int = 0) -> Iterator[str]:
    yield "  " * depth + _plain_cell(tree.label)
    for child in tree.children:
        yield from _plain_tree(child, depth + 1)


def _render_plain(renderable: Any) -> Iterator[str]:
    """Lines without box drawing or colour: a table is a header line and tab-separated rows
    (no title: the header is the first line, for `cut` and `awk`)."""
    if isinstance(renderable, Table):
        yield "\t".join(_plain_cell(column.header) for column in renderable.columns)
        cells = [list(column.cells) for column in renderable.columns]
        for row in zip(*cells, strict=False):
            yield "\t".join(_plain_cell(cell) for cell in row)
    elif isinstance(renderable, Group):
        for part in renderable.renderables:
            yield from _render_plain(part)
    elif isinstance(renderable, Tree):
        yield from _plain_tree(renderable)
    elif isinstance(renderable, Text):
        yield from renderable.plain.split("\n")
    elif isinstance(renderable, str):
        yield from _markup_free(renderable).split("\n")
    else:
        capture = Console(width=PIPE_WIDTH, color_system=None, highlight=False)
        with capture.capture() as captured:
            capture.print(renderable)
        yield from (line.rstrip() for line in captured.get().rstrip("\n").split("\n"))


def _markup_free(text: str) -> str:
    try:
        return Text.from_markup(text).plain
    except Exception:  # not markup after all: print it as written
        return text


class CoeConsole(Console):
    """rich's Console, full width without a terminal; `-o plain` prints plain lines."""

    def print(self, *objects: Any, **options: Any) -> None:
        if chosen() is not Output.PLAIN:
            super().print(*objects, **options)
            return
        raw = options.get("markup") is False
        lines = [
            line
            for found in objects
            for line in (str(found).split("\n") if raw else _render_plain(found))
        ]
        # Written as is: rich would expand the tabs that separate the columns.
        self.file.write("\n".join(lines) + options.get("end", "\n"))
        self.file.flush()


def _console(*, stderr: bool = False) -> CoeConsole:
    made = CoeConsole(stderr=stderr)
    if not made.is_terminal:
        made.width = PIPE_WIDTH
    return made


console = _console()
errors = _console(stderr=True)

JsonOption = typer.Option(
    False, "--json", help="Print machine-readable JSON instead of tables (same as -o json)."
)


def examples(*lines: str) -> str:
    """A command's epilog: an "Examples" section under --help, one command a line."""
    # rich markup keeps the newlines; the empty markup tag keeps typer's dedent off our indent.
    return "[bold]Examples[/]\n" + "\n".join(f"[default] [/] {escape(line)}" for line in lines)


def emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    """Print `data` as JSON (the command's --json or -o json), or call `render` for the
    human form (a table, or plain rows with -o plain)."""
    if wants_json(as_json):
        sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        render()


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    grid = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(grid)


def fail(
    message: str, *, code: str | None = None, details: Any = None, exit_code: int = 1
) -> NoReturn:
    """Report an error on stderr (what is wrong, and where) and exit non-zero."""
    prefix = f"[bold red]error[/]{f' [dim]({code})[/]' if code else ''}: "
    errors.print(prefix + message, highlight=False, markup=True)
    for violation in (details or {}).get("violations", []) if isinstance(details, dict) else []:
        errors.print(f"  {violation.get('path', '')}: {violation.get('reason', '')}", markup=False)
    raise typer.Exit(exit_code)


def print_violations(violations: list[Any], notes: list[str], files: int, as_json: bool) -> None:
    emit(
        {"files": files, "violations": [v.as_dict() for v in violations], "notes": notes},
        as_json,
        lambda: _render_violations(violations, notes, files),
    )
    if violations:
        raise typer.Exit(1)


def _render_violations(violations: list[Any], notes: list[str], files: int) -> None:
    # One plain line per violation (FILE:JSON_POINTER: reason), never wrapped: editors and
    # CI annotators parse these lines.
    for violation in violations:
        print(violation)
    for note in notes:
        print(note)
    outcome = "[red]failed[/]" if violations else "[green]ok[/]"
    console.print(
        f"{files} file(s) checked, {len(violations)} violation(s): {outcome}", highlight=False
    )


def status_line(item: dict[str, Any]) -> str:
    """The default one-line summary of a followed item: its id and status."""
    return " ".join(str(part) for part in (item.get("id"), item.get("status")) if part)


class Follow:
    """When a --watch ends: the item finished, or waits for a person (a status in `waits`: an
    approval, a pause, a decision) — or, given `until`, once it reaches that status instead
    (following it through the waits, while others decide)."""

    def __init__(
        self, finished: Collection[str], waits: Collection[str] = (), until: str | None = None
    ) -> None:
        self.finished, self.until = finished, until
        self.waits = waits if until is None else ()

    def done(self, item: dict[str, Any]) -> bool:
        status = item["status"]
        return status in self.finished or status in self.waits or status == self.until


def known_status(given: str | None, statuses: Sequence[str], kind: str) -> str | None:
    """`--until`'s value, refused (before anything is asked) when `kind` has no such status:
    a watch for a status that never comes would never end."""
    if given is not None and given not in statuses:
        fail(
            f"--until {given!r} is not a {kind} status; one of: {', '.join(statuses)}",
            code="BAD_USER_INPUT",
        )
    return given


def show_or_follow(
    fetch: Callable[[], dict[str, Any]],
    render: Callable[[dict[str, Any]], Any],
    finished: Collection[str],
    *,
    watch: bool,
    interval: float,
    as_json: bool,
    line: Callable[[dict[str, Any]], str] = status_line,
    waits: Collection[str] = (),
    until: str | None = None,
) -> None:
    """Print an item with a `status` once, or with --watch follow it (see `Follow` for when
    it stops): a live view on a terminal, else (piped, or -o plain) one `line(item)` per
    change."""
    item = fetch()
    if wants_json(as_json) or not watch:
        emit(item, as_json, lambda: console.print(render(item)))
        return
    follow = Follow(finished, waits, until)
    if console.is_terminal and chosen() is Output.TABLE:
        _follow_live(item, fetch, render, follow, interval)
    else:
        _follow_lines(item, fetch, follow, interval, line)


def _follow_live(
    item: dict[str, Any],
    fetch: Callable[[], dict[str, Any]],
    render: Callable[[dict[str, Any]], Any],
    follow: Follow,
    interval: float,
) -> None:
    from rich.live import Live

    with Live(render(item), console=console, refresh_per_second=4) as view:
        while not follow.done(item):
            time.sleep(interval)
            item = fetch()
            view.update(render(item))


def _follow_lines(
    item: dict[str, Any],
    fetch: Callable[[], dict[str, Any]],
    follow: Follow,
    interval: float,
    line: Callable[[dict[str, Any]], str],
) -> None:
    printed: str | None = None
    while True:
        summary = _markup_free(line(item))
        if summary != printed:
            separator = "\t" if chosen() is Output.PLAIN else " "
            sys.stdout.write(f"{time.strftime('%H:%M:%S')}{separator}{summary}\n")
            sys.stdout.flush()
            printed = summary
        if follow.done(item):
            return
        time.sleep(interval)
        item = fetch()
