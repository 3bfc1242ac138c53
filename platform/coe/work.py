"""The unit of work a service runs in: one transaction, one caller, one audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

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
        self,
        action: str,
        entity_type: str,
        entity_id: str,
        *,
        site: str | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str | None = None,
        signature_id: UUID | None = None,
    ) -> AuditRecord:
        """Record a change in the same transaction as the change itself."""
        return await audit.append(
            self.session,
            self.audit_key,
            actor=self.principal.subject,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            site=site,
            before=before,
            after=after,
            reason=reason,
            request_id=self.request_id,
            signature_id=signature_id,
        )
