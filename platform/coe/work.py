"""The unit of work a service runs in: one transaction, one caller, one audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.audit import writer as audit
from coe.auth.principal import Principal
from coe.models import AuditRecord


@dataclass
class UnitOfWork:
    """What every service call receives. Services flush; the edge that made this commits."""

    session: AsyncSession
    principal: Principal
    audit_key: bytes
    request_id: str | None = None

    async def audit(
        self, action: str, entity_type: str, entity_id: str, **change: Unpack[audit.Change]
    ) -> AuditRecord:
        """Record a change in the same transaction as the change itself."""
        return await audit.append(
            self.session,
            self.audit_key,
            actor=self.principal.subject,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            request_id=self.request_id,
            **change,
        )
