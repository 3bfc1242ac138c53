"""Business logic of the equipment hierarchy. Takes a unit of work; never commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from coe.auth.principal import Principal, Role
from coe.auth.scope import Scope
from coe.errors import ConflictError, NotFoundError, ValidationFailedError
from coe.models import PRODUCTION, Area, Enterprise, PlantInstance, Site, WorkCenter, WorkUnit
from coe.reasons import checked_reason
from coe.sites import repository
from coe.sites.repository import Row
from coe.sites.validation import (
    SiteFields,
    endpoint_violations,
    environments_violations,
    equipment_class_violations,
    key_violations,
    name_violations,
    site_violations,
)
from coe.work import UnitOfWork

HIERARCHY_EDITORS = (Role.COE_ARCHITECT, Role.SITE_ADMIN)
# A page this long holds every site of an enterprise (hundreds of plants, not tens of
# thousands): the limit for the rules that need them all (rollout waves, overlay impact),
# so that even those queries stay bounded.
ALL_SITES = 100_000


def site_snapshot(site: Site, plant_endpoint: str | None) -> dict[str, Any]:
    """What the audit trail records of a site; `plant_endpoint` is its production instance."""
    return {
        "key": site.key,
        "name": site.name,
        "region": site.region,
        "country": site.country,
        "timeZone": site.time_zone,
        "regulatoryScope": list(site.regulatory_scope),
        "labels": dict(site.labels),
        "plantEndpoint": plant_endpoint,
    }


async def list_sites(
    session: AsyncSession,
    principal: Principal,
    *,
    region: str | None = None,
    after_key: str | None = None,
    limit: int = 50,
) -> tuple[list[Site], int]:
    """The sites the caller may read, in key order."""
    return await repository.sites_page(
        session,
        keys=Scope.of(principal).narrow(),
        region=region,
        after_key=after_key,
        limit=limit,
    )


async def get_site(session: AsyncSession, principal: Principal, key: str) -> Site:
    """One site; scoped callers are refused other sites whether or not they exist."""
    Scope.of(principal).require(key)
    site = await repository.site_by_key(session, key)
    if site is None:
        raise NotFoundError(f"site {key!r} does not exist", site=key)
    return site


async def add_site(work: UnitOfWork, key: str, fields: SiteFields, reason: str | None) -> Site:
    """Register a plant in the enterprise."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    reason = checked_reason(reason)
    violations = key_violations(key) + site_violations(fields, creating=True)
    if violations:
        raise ValidationFailedError(f"site {key!r} is not valid", violations)
    enterprise = await _the_enterprise(work.session)
    assert enterprise.id is not None
    if await repository.site_by_key(work.session, key):
        raise ConflictError(f"site {key!r} already exists", site=key)
    assert fields.name
    assert fields.region
    assert fields.time_zone
    site = Site(
        enterprise_id=enterprise.id,
        key=key,
        name=fields.name.strip(),
        region=fields.region,
        country=fields.country,
        time_zone=fields.time_zone,
        regulatory_scope=list(fields.regulatory_scope or []),
        labels=dict(fields.labels or {}),
    )
    site = await repository.add(work.session, site)
    if fields.plant_endpoint is not None:
        await _put_instance(work, site, PRODUCTION, fields.plant_endpoint)
    after = site_snapshot(site, fields.plant_endpoint)
    await work.audit("site.created", "site", key, site=key, after=after, reason=reason)
    return site


async def update_site(work: UnitOfWork, key: str, fields: SiteFields, reason: str | None) -> Site:
    """Change a site's master data; fields not given stay as they are."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    reason = checked_reason(reason)
    violations = site_violations(fields, creating=False)
    if violations:
        raise ValidationFailedError(f"site {key!r} update is not valid", violations)
    site = await get_site(work.session, work.principal, key)
    assert site.id is not None
    production = await repository.instance(work.session, site.id, PRODUCTION)
    before = site_snapshot(site, production.endpoint if production else None)
    for name in ("name", "region", "country", "time_zone"):
        value = getattr(fields, name)
        if value is not None:
            setattr(site, name, value.strip() if name == "name" else value)
        elif name in fields.clear:
            setattr(site, name, None)
    endpoint = before["plantEndpoint"]
    if fields.plant_endpoint is not None:
        endpoint = fields.plant_endpoint
        await _put_instance(work, site, PRODUCTION, endpoint)
    elif "plant_endpoint" in fields.clear and production is not None:
        endpoint = None
        await work.session.delete(production)
    if fields.regulatory_scope is not None:
        site.regulatory_scope = list(fields.regulatory_scope)
    if fields.labels is not None:
        site.labels = dict(fields.labels)
    after = site_snapshot(site, endpoint)
    if after == before:
        return site
    site.updated_at = datetime.now(UTC)
    site = await repository.add(work.session, site)
    await work.audit(
        "site.updated", "site", key, site=key, before=before, after=after, reason=reason
    )
    return site


async def add_area(work: UnitOfWork, site_key: str, key: str, name: str) -> Area:
    """Add an area (e.g. Packaging, Assembly) to a site."""
    site_id = await _site_to_extend(work, site_key, key_violations(key) + name_violations(name))
    _require_new(await repository.area_by_key(work.session, site_id, key), "area", key, site_key)
    area = Area(site_id=site_id, key=key, name=name.strip())
    return await _add_node(work, site_key, "area", area, {"key": key, "name": area.name})


async def add_work_center(
    work: UnitOfWork,
    site_key: str,
    area_key: str,
    key: str,
    name: str,
    equipment_classes: Sequence[str],
) -> WorkCenter:
    """Add a work center (line or cell) to an area; its equipment classes say what it can run."""
    site_id = await _site_to_extend(
        work,
        site_key,
        key_violations(key)
        + name_violations(name)
        + equipment_class_violations(equipment_classes, "/equipmentClasses"),
    )
    area = await repository.area_by_key(work.session, site_id, area_key)
    area_id = _parent_id(area, "area", area_key, site_key)
    existing = await repository.work_center_by_key(work.session, site_id, key)
    _require_new(existing, "work center", key, site_key)
    center = WorkCenter(
        site_id=site_id,
        area_id=area_id,
        key=key,
        name=name.strip(),
        equipment_classes=sorted(set(equipment_classes)),
    )
    details = {
        "area": area_key,
        "key": key,
        "name": center.name,
        "equipmentClasses": center.equipment_classes,
    }
    return await _add_node(work, site_key, "work_center", center, details)


async def add_work_unit(
    work: UnitOfWork,
    site_key: str,
    work_center_key: str,
    key: str,
    name: str,
    equipment_class: str | None,
) -> WorkUnit:
    """Add a work unit (a machine or station) to a work center."""
    violations = key_violations(key) + name_violations(name)
    if equipment_class is not None:
        violations += key_violations(equipment_class, "/equipmentClass")
    site_id = await _site_to_extend(work, site_key, violations)
    center = await repository.work_center_by_key(work.session, site_id, work_center_key)
    center_id = _parent_id(center, "work center", work_center_key, site_key)
    existing = await repository.work_unit_by_key(work.session, site_id, key)
    _require_new(existing, "work unit", key, site_key)
    unit = WorkUnit(
        site_id=site_id,
        work_center_id=center_id,
        key=key,
        name=name.strip(),
        equipment_class=equipment_class,
    )
    details = {
        "workCenter": work_center_key,
        "key": key,
        "name": unit.name,
        "equipmentClass": equipment_class,
    }
    return await _add_node(work, site_key, "work_unit", unit, details)


async def _editable_site(work: UnitOfWork, site_key: str) -> Site:
    work.principal.require_roles(*HIERARCHY_EDITORS)
    work.principal.require_site(site_key, *HIERARCHY_EDITORS)
    return await get_site(work.session, work.principal, site_key)


async def _site_to_extend(work: UnitOfWork, site_key: str, violations: list[dict[str, str]]) -> int:
    """The id of a site the caller may add a node to, once the node's fields are valid."""
    site = await _editable_site(work, site_key)
    _require_valid(violations)
    assert site.id is not None
    return site.id


def _parent_id(parent: Area | WorkCenter | None, kind: str, key: str, site_key: str) -> int:
    """The id of the node a new one hangs under: NOT_FOUND when the site has no such node."""
    if parent is None or parent.id is None:
        raise NotFoundError(f"{kind} {key!r} does not exist at site {site_key!r}")
    return parent.id


def _require_new(
    existing: Area | WorkCenter | WorkUnit | None, kind: str, key: str, site_key: str
) -> None:
    """CONFLICT when the site has a node of this kind with this key already."""
    if existing is not None:
        raise ConflictError(f"{kind} {key!r} already exists at site {site_key!r}")


async def _add_node(
    work: UnitOfWork, site_key: str, entity_type: str, node: Row, details: dict[str, Any]
) -> Row:
    """Store a new node of a site's hierarchy and audit `<entity_type>.created` with `details`."""
    node = await repository.add(work.session, node)
    await work.audit(
        f"{entity_type}.created",
        entity_type,
        f"{site_key}/{details['key']}",
        site=site_key,
        after={"site": site_key, **details},
    )
    return node


def _require_valid(violations: list[dict[str, str]]) -> None:
    if violations:
        raise ValidationFailedError("input is not valid", violations)


async def _put_instance(work: UnitOfWork, site: Site, environment: str, endpoint: str) -> None:
    """Create or move the site's instance in `environment` (callers audit the change)."""
    assert site.id is not None
    row = await repository.instance(work.session, site.id, environment)
    if row is None:
        row = PlantInstance(site_id=site.id, environment=environment, endpoint=endpoint)
    elif row.endpoint == endpoint:
        return
    else:
        row.endpoint = endpoint
        row.updated_at = datetime.now(UTC)
    await repository.add(work.session, row)


async def set_environments(
    work: UnitOfWork, names: Sequence[str], reason: str | None
) -> Enterprise:
    """Set the enterprise's environments, in promotion order (production last). An environment
    some site still has an instance in cannot be dropped."""
    work.principal.require_roles(Role.COE_ARCHITECT)
    reason = checked_reason(reason)
    names = [name.strip() for name in names]
    violations = environments_violations(names, PRODUCTION)
    enterprise = await _the_enterprise(work.session)
    in_use = await repository.sites_by_environment(work.session)
    violations += [
        {
            "path": "/environments",
            "reason": f"{environment!r} still has the instances of {', '.join(sites)}: "
            "remove them first",
        }
        for environment, sites in sorted(in_use.items())
        if environment not in names
    ]
    _require_valid(violations)
    before = list(enterprise.environments)
    if before == names:
        return enterprise
    enterprise.environments = names
    enterprise = await repository.add(work.session, enterprise)
    await work.audit(
        "enterprise.environments_changed",
        "enterprise",
        enterprise.key,
        before={"environments": before},
        after={"environments": names},
        reason=reason,
    )
    return enterprise


async def set_plant_instance(
    work: UnitOfWork, site_key: str, environment: str, endpoint: str, reason: str | None
) -> Site:
    """Create or move a site's plant instance in one of the enterprise's environments (its
    site admins for the other environments; production is the architects', like updateSite)."""
    work.principal.require_roles(*_instance_editors(environment))
    reason = checked_reason(reason)
    site = await get_site(work.session, work.principal, site_key)
    enterprise = await _the_enterprise(work.session)
    violations = endpoint_violations(endpoint, "/endpoint")
    if environment not in enterprise.environments:
        violations.append(
            {
                "path": "/environment",
                "reason": f"{environment!r} is not one of the enterprise's environments "
                f"({', '.join(enterprise.environments)})",
            }
        )
    _require_valid(violations)
    assert site.id is not None
    existing = await repository.instance(work.session, site.id, environment)
    before = {"environment": environment, "endpoint": existing.endpoint} if existing else None
    await _put_instance(work, site, environment, endpoint)
    after = {"environment": environment, "endpoint": endpoint}
    if before != after:
        await work.audit(
            "site.instance_set",
            "site",
            site_key,
            site=site_key,
            before=before,
            after=after,
            reason=reason,
        )
    return site


async def remove_plant_instance(
    work: UnitOfWork, site_key: str, environment: str, reason: str | None
) -> Site:
    """Remove a site's plant instance in one environment (it is no longer deployed to)."""
    work.principal.require_roles(*_instance_editors(environment))
    reason = checked_reason(reason)
    site = await get_site(work.session, work.principal, site_key)
    assert site.id is not None
    row = await repository.instance(work.session, site.id, environment)
    if row is None:
        raise NotFoundError(f"site {site_key!r} has no instance in {environment!r}", site=site_key)
    await work.session.delete(row)
    await work.session.flush()
    await work.audit(
        "site.instance_removed",
        "site",
        site_key,
        site=site_key,
        before={"environment": environment, "endpoint": row.endpoint},
        reason=reason,
    )
    return site


def _instance_editors(environment: str) -> tuple[Role, ...]:
    return (Role.COE_ARCHITECT,) if environment == PRODUCTION else HIERARCHY_EDITORS


async def _the_enterprise(session: AsyncSession) -> Enterprise:
    found = await repository.enterprise(session)
    if found is None:
        raise NotFoundError("no enterprise yet: run `coe init` (or `coe up`, which seeds a demo)")
    return found


async def endpoints(
    session: AsyncSession, site_keys: Sequence[str], environment: str = PRODUCTION
) -> dict[str, str]:
    """Site key → where its instance in `environment` listens, whoever asks (for the rollout
    and drift activities); sites without an instance there are absent."""
    return await repository.endpoints(session, site_keys, environment)


async def find_site(session: AsyncSession, key: str) -> Site | None:
    """A site by key, whoever asks (for rules that need to know it exists), or None."""
    return await repository.site_by_key(session, key)


async def sites_by_keys(session: AsyncSession, keys: Sequence[str]) -> list[Site]:
    """The sites among `keys` that exist, whoever asks."""
    return await repository.sites_by_keys(session, keys)


async def all_sites(session: AsyncSession) -> list[Site]:
    """Every site (bounded by ALL_SITES), in key order: for rules that need them all."""
    rows, _ = await repository.sites_page(
        session, keys=None, region=None, after_key=None, limit=ALL_SITES
    )
    return rows


async def enterprise(session: AsyncSession) -> Enterprise | None:
    """The enterprise this platform serves, or None before `coe init`."""
    return await repository.enterprise(session)


async def children_of(
    session: AsyncSession,
    model: type[Row],
    parent_column: Any,
    parent_ids: Sequence[int],
    order_column: Any = None,
) -> list[Row]:
    """The children (areas, work centers, units, plant instances) of many parents at once: a
    DataLoader's batch of ids, so a tree costs one query per level, not one per node."""
    return await repository.children(session, model, parent_column, parent_ids, order_column)
