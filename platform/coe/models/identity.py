"""The local identity store used in development (production identities come from OIDC)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from coe.models.columns import text_array, timestamp


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=200)
    roles: list[str] = text_array()
    sites: list[str] = text_array()
    active: bool = True
    created_at: datetime | None = timestamp()
