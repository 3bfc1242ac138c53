"""Which sites a signed record belongs to (the signature rule of `coe.auth.scope`): a
signature is seen by whoever may see the record it signs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.scope import ENTERPRISE, Scope
from coe.models import Signature
from coe.rollouts import service as rollouts
from coe.signatures import repository
from coe.transfers import service as transfers

SitesOf = Callable[[AsyncSession, str], Awaitable[frozenset[str] | None]]


async def _template_version(_session: AsyncSession, _entity_id: str) -> frozenset[str] | None:
    return ENTERPRISE


async def _overlay(_session: AsyncSession, entity_id: str) -> frozenset[str] | None:
    site, _, _rest = entity_id.partition("/")  # "<site>/<template>#<version>"
    return frozenset({site})


async def _rollout_gate(session: AsyncSession, entity_id: str) -> frozenset[str] | None:
    rollout_id, _, wave = entity_id.rpartition("/")  # "<rollout>/<wave>"
    return frozenset(await rollouts.wave_sites(session, rollout_id, wave)) or None


async def _transfer_side(session: AsyncSession, entity_id: str) -> frozenset[str] | None:
    transfer_id, _, side = entity_id.rpartition("/")  # "<transfer>/<source|target>"
    row = await transfers.find(session, transfer_id)
    if row is None or side not in ("source", "target"):
        return None
    return frozenset({row.source if side == "source" else row.target})


# One rule per kind of signed record; a kind without a rule is seen enterprise-wide only.
SIGNED_SITES: dict[str, SitesOf] = {
    "template_version": _template_version,
    "overlay": _overlay,
    "rollout_gate": _rollout_gate,
    "transfer": _transfer_side,
}


async def signed_sites(
    session: AsyncSession, entity_type: str, entity_id: str
) -> frozenset[str] | None:
    """The sites of the record a signature signs; None when nothing says (unknown kind or
    record)."""
    rule = SIGNED_SITES.get(entity_type)
    return None if rule is None else await rule(session, entity_id)


async def visible_for_entity(
    session: AsyncSession, scope: Scope, entity_type: str, entity_id: str
) -> list[Signature]:
    """Signatures on one record, or none when the record lies outside the caller's sites."""
    if not scope.everywhere:
        sites = await signed_sites(session, entity_type, entity_id)
        if sites is None or not scope.sees(sites):
            return []
    return await repository.for_entity(session, entity_type, entity_id)
