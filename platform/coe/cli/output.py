"""How every command speaks: rich tables for people, `--json` for scripts, one error style."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Collection, Sequence
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

console = Console()
errors = Console(stderr=True)

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON instead of tables.")


def emit(data: Any, as_json: bool, render: Callable[[], None]) -> None:
    """Print `data` as JSON, or call `render` for the human form."""
    if as_json:
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


def show_or_follow(
    fetch: Callable[[], dict[str, Any]],
    render: Callable[[dict[str, Any]], Any],
    finished: Collection[str],
    *,
    watch: bool,
    interval: float,
    as_json: bool,
) -> None:
    """Print an item with a `status` once, or with --watch refresh it until it is finished."""
    from rich.live import Live

    item = fetch()
    if as_json or not watch:
        emit(item, as_json, lambda: console.print(render(item)))
        return
    with Live(render(item), console=console, refresh_per_second=4) as view:
        while item["status"] not in finished:
            time.sleep(interval)
            item = fetch()
            view.update(render(item))
