"""The demo enterprise's data: plants in three regions with their areas and lines, and one user
per role. Plain data; `coe.demo.seed` writes it through the services."""

from __future__ import annotations

from dataclasses import dataclass, field

from coe.auth.principal import Role

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

# The enterprise's central validation lab: a site with only a validation instance, where a
# template version is validated once for every plant without a validation instance of its own.
VALIDATION_LAB = DemoSite(
    "validation-lab",
    "Central validation lab, Cork",
    "emea",
    "IE",
    "Europe/Dublin",
    ("ISO 13485", "21 CFR Part 11", "EU GMP Annex 11"),
    {"purpose": "validation"},
    (PACKAGING, ASSEMBLY, DISPENSING),
)
# Plants that run a validation instance of their own beside production (suzhou's overlay adds
# a step of its own, which central validation never covers).
VALIDATED_PLANTS: tuple[str, ...] = ("cork", "suzhou")

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
    """The reference agent that `coe up` starts serves every demo site's production instance
    on one port."""
    return f"http://127.0.0.1:{port}/sites/{site}"


def validation_port(port: int) -> int:
    """The second reference agent, for the validation instances, listens on the next port."""
    return port + 1


def validation_endpoint(site: str, port: int) -> str:
    """Where the demo's validation instance of `site` listens (`port`: the plants' agent)."""
    return f"http://127.0.0.1:{validation_port(port)}/sites/{site}"


def validation_sites() -> tuple[str, ...]:
    """Every site with a validation instance in the demo: the lab, then the plants."""
    return (VALIDATION_LAB.key, *VALIDATED_PLANTS)
