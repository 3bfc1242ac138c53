"""Seeding the demo enterprise (`coe up`, first start): the plants, lines and users of
`coe.demo.sites`, then the demo content (templates/ and site_overlays/) published and approved
the way people would. Seeded through the services, so every record is validated and audited
like real input. Never commits: `seed_demo` owns the one transaction."""

from __future__ import annotations

import secrets
from pathlib import Path

from coe.auth import service as users
from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier
from coe.config import Settings
from coe.db import create_engine, create_sessions, transaction
from coe.demo.identities import as_user, read_credentials, write_credentials
from coe.demo.sites import (
    DEMO_SITES,
    DEMO_USERS,
    ENTERPRISE_KEY,
    ENTERPRISE_NAME,
    VALIDATION_LAB,
    DemoSite,
    plant_endpoint,
    validation_endpoint,
    validation_sites,
)
from coe.documents import read_mapping, yaml_files
from coe.environments import VALIDATION
from coe.models import Enterprise
from coe.overlays import service as overlays
from coe.secrets import audit_key
from coe.sites import repository as site_repository
from coe.sites import service as sites
from coe.sites.validation import SiteFields
from coe.templates import repository as template_repository
from coe.templates import service as templates
from coe.templates.versions import parse_version
from coe.validation import document as validation_document
from coe.validation import service as validation
from coe.work import UnitOfWork

# The source checkout's root: where templates/ and site_overlays/ are when running from it.
SOURCE_CHECKOUT = Path(__file__).resolve().parents[3]


class DemoContentError(Exception):
    """COE_DEMO_CONTENT_DIR names a folder without the demo content."""


def content_root(settings: Settings) -> Path | None:
    """Where the demo content is: COE_DEMO_CONTENT_DIR, else the source checkout when this runs
    from one (None: an installed package without content, so only the enterprise is seeded)."""
    if settings.demo_content_dir is not None:
        root = settings.demo_content_dir.expanduser().resolve()
        if not (root / "templates").is_dir():
            raise DemoContentError(
                f"COE_DEMO_CONTENT_DIR={settings.demo_content_dir} has no templates/ folder "
                "(it should hold templates/ and, optionally, site_overlays/)"
            )
        return root
    return SOURCE_CHECKOUT if (SOURCE_CHECKOUT / "templates").is_dir() else None


async def seed_demo(
    settings: Settings, database_url: str, credentials_file: Path, root: Path | None
) -> tuple[bool, int]:
    """In one transaction: the demo enterprise (False when it was already there) and the demo
    content from `root` (how many documents were loaded)."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with transaction(create_sessions(engine)) as session:
            work = UnitOfWork(
                session=session,
                principal=Principal(
                    subject="system:demo-seed", name="Demo seed", roles=frozenset(Role)
                ),
                audit_key=audit_key(settings),
            )
            created = await seed(work, credentials_file, settings.plant_agent_port)
            loaded = await seed_content(work, credentials_file, root) if root else 0
            return created, loaded
    finally:
        await engine.dispose()


async def seed(work: UnitOfWork, credentials_file: Path, agent_port: int = 9100) -> bool:
    """Create the demo enterprise once; returns False when it was already there."""
    if await site_repository.enterprise(work.session) is not None:
        return False
    enterprise = await site_repository.add(
        work.session, Enterprise(key=ENTERPRISE_KEY, name=ENTERPRISE_NAME)
    )
    await work.audit(
        "enterprise.created",
        "enterprise",
        enterprise.key,
        after={"key": enterprise.key, "name": enterprise.name},
        reason="demo enterprise seeded by coe up",
    )
    for spec in DEMO_SITES:
        await _seed_site(work, spec, plant_endpoint(spec.key, agent_port))
    await _seed_site(work, VALIDATION_LAB, None)
    for site in validation_sites():
        await sites.set_plant_instance(
            work,
            site,
            VALIDATION,
            validation_endpoint(site, agent_port),
            reason="demo validation instance seeded by coe up",
        )
    passwords = {username: secrets.token_urlsafe(12) for username, *_ in DEMO_USERS}
    for username, display_name, role, site_keys in DEMO_USERS:
        await users.add_user(
            work,
            username=username,
            display_name=display_name,
            password=passwords[username],
            roles=[role],
            sites=site_keys,
        )
    write_credentials(credentials_file, passwords)
    return True


async def _seed_site(work: UnitOfWork, spec: DemoSite, endpoint: str | None) -> None:
    fields = SiteFields(
        name=spec.name,
        region=spec.region,
        country=spec.country,
        time_zone=spec.time_zone,
        regulatory_scope=spec.regulatory_scope,
        labels=spec.labels,
        plant_endpoint=endpoint,
    )
    await sites.add_site(work, spec.key, fields, reason="demo enterprise seeded by coe up")
    for area in spec.areas:
        await sites.add_area(work, spec.key, area.key, area.name)
        for line in area.lines:
            await sites.add_work_center(
                work, spec.key, area.key, line.key, line.name, line.equipment_classes
            )
            for unit_key, unit_name, equipment_class in line.units:
                await sites.add_work_unit(
                    work, spec.key, line.key, unit_key, unit_name, equipment_class
                )


async def seed_content(work: UnitOfWork, credentials_file: Path, root: Path) -> int:
    """Load templates/ and site_overlays/ into an empty registry the way people would: the
    architect publishes, the QA approver signs each approval, overlays are proposed and signed.
    Returns the number of documents loaded (0 when the registry already has templates)."""
    if await template_repository.keys_page(work.session, None, 1) != ([], 0):
        return 0
    passwords = read_credentials(credentials_file)
    if "quinn" not in passwords or not (root / "templates").is_dir():
        return 0
    architect, approver = as_user(work, "ada"), as_user(work, "quinn")
    signer = Credentials(username="quinn", password=passwords["quinn"])
    verifier = TokenVerifier(dev_public_key=None, oidc=None)
    loaded = [read_mapping(path) for path in yaml_files([root / "templates"])]
    # validation records lie beside their templates; each is saved once its version is in
    records = [d for d in loaded if d.get("kind") == validation_document.KIND]
    documents = [d for d in loaded if d.get("kind") != validation_document.KIND]
    documents.sort(key=lambda d: (d["metadata"]["key"], parse_version(d["metadata"]["version"])))
    for document in documents:
        key, version = document["metadata"]["key"], document["metadata"]["version"]
        await templates.save_draft(architect, document)
        await templates.submit(architect, key, version)
        await templates.approve(
            approver, verifier, key, version, signer, "Demo: validation report reviewed"
        )
        await templates.publish(architect, key, version)
    for record in records:
        await validation.save_record(architect, record)
    overlay_files = (
        yaml_files([root / "site_overlays"]) if (root / "site_overlays").is_dir() else []
    )
    for path in overlay_files:
        document = read_mapping(path)
        metadata = document["metadata"]
        row, _ = await overlays.propose(architect, document)
        await overlays.approve(
            approver,
            verifier,
            metadata["site"],
            metadata["template"],
            row.version,
            signer,
            "Demo: site change request reviewed",
        )
    return len(documents) + len(records) + len(overlay_files)
