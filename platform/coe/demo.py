"""The demo enterprise `coe up` seeds: plants in three regions, their lines, and one user per
role. Seeded through the services, so every record is validated and audited like real input."""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from coe.auth import service as users
from coe.auth.principal import Principal, Role
from coe.auth.service import Credentials
from coe.auth.tokens import TokenVerifier
from coe.documents import API_VERSION, read_mapping, yaml_files
from coe.models import Enterprise
from coe.overlays import service as overlays
from coe.sites import repository as site_repository
from coe.sites import service as sites
from coe.sites.validation import SiteFields
from coe.templates import repository as template_repository
from coe.templates import service as templates
from coe.templates.versions import parse_version
from coe.work import UnitOfWork

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]

ENTERPRISE_KEY = "acme-medical"
ENTERPRISE_NAME = "Acme Medical Devices"


@dataclass(frozen=True)
class Line:
    key: str
    name: str
    equipment_classes: tuple[str, ...]
    units: tuple[tuple[str, str, str], ...] = ()  # (key, name, equipment class)


@dataclass(frozen=True)
class DemoArea:
    key: str
    name: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class DemoSite:
    key: str
    name: str
    region: str
    country: str
    time_zone: str
    regulatory_scope: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    areas: tuple[DemoArea, ...] = ()


PACKAGING = DemoArea(
    "packaging",
    "Sterile packaging",
    (
        Line(
            "pkg-line-1",
            "Pouch sealing line 1",
            ("heat-sealer", "label-printer", "vision-inspection"),
            (
                ("sealer-01", "Heat sealer 01", "heat-sealer"),
                ("printer-01", "UDI label printer 01", "label-printer"),
                ("camera-01", "Seal vision camera 01", "vision-inspection"),
            ),
        ),
    ),
)
ASSEMBLY = DemoArea(
    "assembly",
    "Catheter assembly",
    (
        Line(
            "asm-cell-1",
            "Catheter assembly cell 1",
            ("bonding-station", "leak-tester"),
            (
                ("bonder-01", "UV bonding station 01", "bonding-station"),
                ("leak-01", "Leak tester 01", "leak-tester"),
            ),
        ),
    ),
)
DISPENSING = DemoArea(
    "dispensing",
    "Dispensing and weighing",
    (
        Line(
            "disp-booth-1",
            "Dispensing booth 1",
            ("balance", "dispensing-booth"),
            (("balance-01", "Precision balance 01", "balance"),),
        ),
    ),
)

DEMO_SITES: tuple[DemoSite, ...] = (
    DemoSite(
        "cork",
        "Cork, Ireland",
        "emea",
        "IE",
        "Europe/Dublin",
        ("EU MDR", "ISO 13485", "21 CFR 820"),
        {"business-unit": "vascular"},
        (PACKAGING, ASSEMBLY),
    ),
    DemoSite(
        "galway",
        "Galway, Ireland",
        "emea",
        "IE",
        "Europe/Dublin",
        ("EU MDR", "ISO 13485"),
        {"business-unit": "vascular"},
        (ASSEMBLY,),
    ),
    DemoSite(
        "penang",
        "Penang, Malaysia",
        "apac",
        "MY",
        "Asia/Kuala_Lumpur",
        ("ISO 13485", "21 CFR 820"),
        {"business-unit": "surgical"},
        (PACKAGING, DISPENSING),
    ),
    DemoSite(
        "suzhou",
        "Suzhou, China",
        "apac",
        "CN",
        "Asia/Shanghai",
        ("NMPA", "ISO 13485"),
        {"business-unit": "surgical"},
        (PACKAGING,),
    ),
    DemoSite(
        "minneapolis",
        "Minneapolis, USA",
        "americas",
        "US",
        "America/Chicago",
        ("21 CFR 820", "21 CFR Part 11"),
        {"business-unit": "cardio"},
        (PACKAGING, ASSEMBLY, DISPENSING),
    ),
    DemoSite(
        "tijuana",
        "Tijuana, Mexico",
        "americas",
        "MX",
        "America/Tijuana",
        ("COFEPRIS", "21 CFR 820"),
        {"business-unit": "cardio"},
        (ASSEMBLY, PACKAGING),
    ),
    DemoSite(
        "juncos",
        "Juncos, Puerto Rico",
        "americas",
        "US",
        "America/Puerto_Rico",
        ("21 CFR 820", "21 CFR Part 11"),
        {"business-unit": "diabetes"},
        (DISPENSING,),
    ),
)

DEMO_USERS: tuple[tuple[str, str, Role, tuple[str, ...]], ...] = (
    ("ada", "Ada Lovelace", Role.COE_ARCHITECT, ()),
    ("sam", "Samira Tan", Role.SITE_ADMIN, ("penang",)),
    ("eve", "Evelyn Brooks", Role.EXECUTIVE, ()),
    ("nina", "Nina Okafor", Role.NPI_ENGINEER, ()),
    ("quinn", "Quinn Murphy", Role.QA_APPROVER, ()),
    ("audrey", "Audrey Klein", Role.AUDITOR, ()),
)
DEMO_PLANT_SITE = "cork"


def plant_endpoint(site: str, port: int) -> str:
    """The reference agent that `coe up` starts serves every demo site on one port."""
    return f"http://127.0.0.1:{port}/sites/{site}"


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


async def _seed_site(work: UnitOfWork, spec: DemoSite, endpoint: str) -> None:
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


def write_credentials(path: Path, passwords: dict[str, str]) -> None:
    """Demo passwords live only in COE_HOME (mode 0600), never in the repository."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(passwords, handle, indent=2)


def read_credentials(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    passwords: dict[str, str] = json.loads(path.read_text())
    return passwords


def _as_user(work: UnitOfWork, username: str) -> UnitOfWork:
    """The same transaction, acting as one of the demo users."""
    display_name, role, site_keys = next(
        (name, role, keys) for user, name, role, keys in DEMO_USERS if user == username
    )
    principal = Principal(
        subject=username, name=display_name, roles=frozenset({role}), sites=frozenset(site_keys)
    )
    return UnitOfWork(
        session=work.session,
        principal=principal,
        audit_key=work.audit_key,
        request_id=work.request_id,
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
    architect, approver = _as_user(work, "ada"), _as_user(work, "quinn")
    signer = Credentials(username="quinn", password=passwords["quinn"])
    verifier = TokenVerifier(dev_public_key=None, oidc=None)
    documents = [read_mapping(path) for path in yaml_files([root / "templates"])]
    documents.sort(key=lambda d: (d["metadata"]["key"], parse_version(d["metadata"]["version"])))
    for document in documents:
        key, version = document["metadata"]["key"], document["metadata"]["version"]
        await templates.save_draft(architect, document)
        await templates.submit(architect, key, version)
        await templates.approve(
            approver, verifier, key, version, signer, "Demo: validation report reviewed"
        )
        await templates.publish(architect, key, version)
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
    return len(documents) + len(overlay_files)


def demo_rollouts(api_url: str, token: str, *, timeout: float = 600) -> list[dict[str, str]]:
    """The demo plants' starting point, reached the way it would be in real life: one rollout
    per template of its first published version to every site that uses it; then
    sterile-barrier-sealing moves on to 2.0.0, so an upgrade shows in the KPIs — and 2.1.0
    is left for the README's first rollout walk-through to deploy."""
    headers = {"Authorization": f"Bearer {token}"}
    started: list[dict[str, str]] = []
    with httpx.Client(base_url=api_url, headers=headers, timeout=60) as http:
        templates = http.post(
            "/graphql",
            json={"query": "{ templates(first: 100) { nodes { key versions { version } } } }"},
        )
        targets = [
            (t["key"], t["versions"][-1]["version"])
            for t in templates.json()["data"]["templates"]["nodes"]
            if t["versions"]
        ]
        # the upgrade right behind its first version, so the plants' history holds both
        upgrade, base = ("sterile-barrier-sealing", "2.0.0"), ("sterile-barrier-sealing", "1.4.0")
        at = targets.index(base) + 1 if base in targets else len(targets)
        targets.insert(at, upgrade)
        for key, version in targets:
            plan = {
                "apiVersion": API_VERSION,
                "kind": "RolloutPlan",
                "metadata": {
                    "template": key,
                    "version": version,
                    "reason": "demo: what the plants ran before the platform",
                },
                "spec": {
                    "waves": [
                        {
                            "name": "all",
                            "selector": {"all": True},
                            "maxParallel": 7,
                            "failureBudget": 7,
                        }
                    ]
                },
            }
            answer = http.post(
                "/graphql",
                json={
                    "query": "mutation($p: String!) { startRollout(plan: $p) { id } }",
                    "variables": {"p": yaml.safe_dump(plan)},
                },
            ).json()
            if answer.get("errors"):
                continue  # e.g. the version is not published: nothing to roll out
            rollout = answer["data"]["startRollout"]["id"]
            status = "running"
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                status = http.post(
                    "/graphql",
                    json={
                        "query": "query($id: String!) { rollout(id: $id) { status } }",
                        "variables": {"id": rollout},
                    },
                ).json()["data"]["rollout"]["status"]
                if status in ("completed", "aborted", "failed", "paused"):
                    break
                time.sleep(1)
            started.append({"id": rollout, "template": key, "version": version, "status": status})
    return started
