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


class SigningLockout(SQLModel, table=True):
    """Consecutive failed e-signature attempts of one claimed user id (21 CFR 11.300(d)).

    Keyed by the user id as claimed, not by `app_user.id`: an unknown user id is counted and
    locked exactly like a real one, so the answers never reveal whether an account exists.
    """

    __tablename__ = "signing_lockout"

    username: str = Field(primary_key=True, max_length=200)
    failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_failure_at: datetime | None = timestamp(nullable=True)
    locked_at: datetime | None = timestamp(nullable=True)
    # None while locked_at is set: locked until a coe_architect unlocks it.
    locked_until: datetime | None = timestamp(nullable=True)
