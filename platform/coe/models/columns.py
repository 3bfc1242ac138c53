"""Column helpers shared by the tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, String, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field


def timestamp(*, nullable: bool = False) -> Any:
    """A timezone-aware timestamp; required ones default to the database's `now()`."""
    return Field(
        default=None,
        sa_column=Column(
            DateTime(timezone=True),
            nullable=nullable,
            server_default=None if nullable else func.now(),
        ),
    )


def text_array() -> Any:
    return Field(
        default_factory=list,
        sa_column=Column(ARRAY(String), nullable=False, server_default="{}"),
    )


def json_object() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}"))
