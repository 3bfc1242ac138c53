"""The long-lived resources the app's lifespan owns, shared by every edge (GraphQL, REST)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coe.auth.oidc import OidcClient
from coe.auth.tokens import TokenVerifier
from coe.config import Settings
from coe.db import Sessions

if TYPE_CHECKING:
    from temporalio.client import Client

    from coe.temporal_connection import TemporalConnection


@dataclass
class Services:
    """Long-lived resources owned by the app's lifespan, shared by every request."""

    settings: Settings
    sessions: Sessions
    verifier: TokenVerifier
    audit_key: bytes
    temporal_connection: TemporalConnection
    # The console's client at the identity provider, when COE_OIDC_CLIENT_ID is set.
    oidc: OidcClient | None = None

    @property
    def temporal(self) -> Client | None:
        """The Temporal client once connected, else None (connecting is the connection's job,
        so reading this never changes what the requests share)."""
        return self.temporal_connection.current
