"""Cursor pagination with a maximum page size, shared by every list field."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from coe.errors import BadUserInputError

T = TypeVar("T")


@strawberry.type(description="Where a page ends and whether more follow.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when another page follows.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` to fetch the next page.")


@strawberry.type(description="One page of a list.")
class Connection(Generic[T]):
    nodes: list[T] = strawberry.field(description="The items on this page.")
    page_info: PageInfo = strawberry.field(description="How to fetch the next page.")
    total_count: int = strawberry.field(description="How many items match, over all pages.")


def page_size(first: int, maximum: int) -> int:
    if not 1 <= first <= maximum:
        raise BadUserInputError(f"`first` must be between 1 and {maximum}", argument="first")
    return first


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps({"v": value}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))["v"]
    except (ValueError, KeyError, TypeError):
        raise BadUserInputError(
            "`after` is not a cursor this API issued", argument="after"
        ) from None


def decode_time_cursor(cursor: str | None) -> datetime | None:
    """The start time a newest-first page continues before (see `time_cursor`)."""
    value = decode_cursor(cursor)
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadUserInputError(
            "`after` is not a cursor this API issued", argument="after"
        ) from None


def time_cursor(node: Any) -> str:
    """The keyset value of a newest-first list ordered by `started_at`."""
    return str(node.started_at.isoformat())


def connection(rows: list[T], total: int, limit: int, cursor_of: Any) -> Connection[T]:
    """Build a page from `limit + 1` fetched rows (the extra one only says more follow);
    `cursor_of(last node)` is the keyset value to continue after."""
    nodes = rows[:limit]
    end = encode_cursor(cursor_of(nodes[-1])) if nodes else None
    return Connection(
        nodes=nodes,
        page_info=PageInfo(has_next_page=len(rows) > limit, end_cursor=end),
        total_count=total,
    )
