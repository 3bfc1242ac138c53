"""The evidence package of a template version, as pure data: the model of its JSON form (its
JSON Schema, schemas/evidence-package.schema.json, is generated from it) and the canonical
sha256 that seals it. Everything in it comes from the platform's own records
(`coe.validation.evidence` gathers them); nothing here reads or writes anything.

The package's sha256 is the sha256 of the canonical JSON (`coe.canonical`) of the package's
JSON form without its `sha256` field, so anyone holding the JSON can recompute it.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from coe.canonical import content_hash
from coe.documents.fields import API_VERSION, ApiVersion
from coe.documents.structure import BASE_ID

KIND = "EvidencePackage"
SCHEMA_FILE = "evidence-package.schema.json"
SCHEMA_ID = BASE_ID + SCHEMA_FILE
SEAL = "sha256"  # the field that holds the package's own hash (left out of what is hashed)

# The nine sections, in the order the PDF numbers them (docs/evidence.md explains each).
SECTIONS: tuple[str, ...] = (
    "Template version",
    "Validation record",
    "Test cases and results",
    "Deviations",
    "Environment history",
    "Site coverage",
    "Electronic signatures",
    "Audit trail",
    "Package",
)

Sha256 = str


class Part(BaseModel):
    """Every part of the package: camelCase in JSON, nothing unknown, immutable."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, alias_generator=to_camel
    )


class TemplatePart(Part):
    """1. The template version the package is about, and its content hash."""

    key: str
    version: str
    title: str
    status: str
    author: str
    owner: str | None = None
    change_summary: str | None = None
    content_sha256: Sha256 = Field(description="sha256 of the version's canonical content.")
    created_at: str | None = None
    published_at: str | None = None
    published_by: str | None = None
    approval_signature_id: str | None = Field(
        default=None, description="The signature that approved the version (section 7)."
    )


class Risk(Part):
    operation: str
    level: str = Field(description="high or not-high.")
    rationale: str


class Charter(Part):
    mission: str
    operations: list[str]
    timebox: str | None = None


class RecordPart(Part):
    """2. The validation record (CSA): intended use, risk per operation, where it stands."""

    title: str | None = None
    previous: str | None = Field(default=None, description="The version results may reuse.")
    document_sha256: Sha256
    template_sha256: Sha256 = Field(description="The template content the record validates.")
    status: str = Field(description="open or approved (concluded, frozen).")
    authored_by: str
    created_at: str | None = None
    updated_at: str | None = None
    intended_use: str
    risk: list[Risk]
    charter: Charter | None = None
    conclusion: str | None = None
    concluded_at: str | None = None
    conclusion_signature_id: str | None = None


class Evidence(Part):
    name: str
    sha256: Sha256


class Result(Part):
    """One execution of a test case or automated check, as recorded."""

    id: int
    test_case: str
    kind: str = Field(description="automated (a system record), manual or reused.")
    outcome: str = Field(description="pass or fail.")
    actual: str
    parameters: dict[str, Any]
    evidence: list[Evidence]
    executed_by: str
    executed_at: str | None
    signature_id: str | None = None
    reused_from: str | None = Field(default=None, description="The earlier version it came from.")


class Step(Part):
    action: str
    expected: str


class CaseResults(Part):
    """3. A scripted test case of the record (or CHARTER, the unscripted session), with every
    result recorded for it, newest first."""

    id: str
    operation: str | None = None
    title: str
    parameters: dict[str, Any]
    steps: list[Step]
    reuse: bool = False
    latest_outcome: str | None = Field(default=None, description="The result that counts.")
    results: list[Result]


class SystemCheck(Part):
    """3. An automated check the platform ran itself (`limits:<TC>`, `deployment:<site>`):
    a system record, not a screenshot."""

    id: str
    latest_outcome: str | None = None
    results: list[Result]


class Deviation(Part):
    """4. An issue found while validating, and how it was resolved."""

    key: str
    title: str
    description: str
    test_case: str | None = None
    status: str
    opened_by: str
    opened_at: str | None
    resolution: str | None = None
    closed_by: str | None = None
    closed_at: str | None = None


class Deployment(Part):
    """5. One ledger entry: which instance ran which hash, when, deployed by what and whom."""

    id: int
    site: str
    environment: str
    version: str
    sha256: Sha256
    previous_sha256: str | None = None
    status: str = Field(description="live, superseded or rolled_back.")
    since: str | None
    ended_at: str | None = None
    rollout_id: str | None = None
    transfer_id: str | None = None
    deployed_by: str


class Rollout(Part):
    """5. A rollout of the version to one environment."""

    id: str
    environment: str
    status: str
    started_by: str
    started_at: str | None
    emergency_deviation: str | None = None


class EnvironmentHistory(Part):
    environments: list[str] = Field(description="The enterprise's environments, in order.")
    deployments: list[Deployment]
    rollouts: list[Rollout]


class ValidatedParameter(Part):
    parameter: str
    validated: str = Field(description="The tested range or values, or 'not validated'.")


class UncoveredParameter(Part):
    parameter: str
    value: Any = Field(description="The site's effective value.")
    validated: str


class SiteCoverage(Part):
    """6. Whether a production site's effective definition lies inside what was validated."""

    site: str
    verdict: str = Field(
        description="'covered by validation', 'site verification required', or why it "
        "cannot be stated."
    )
    covered: bool | None = None
    uncovered_parameters: list[UncoveredParameter]
    uncovered_steps: list[str]


class CoveragePart(Part):
    validated_space: list[ValidatedParameter]
    passed_test_cases: list[str] = Field(
        description="The record's test cases whose latest result passed: the space's source."
    )
    sites: list[SiteCoverage]


class Signature(Part):
    """7. A signature's manifestation (Part 11 §11.50) and the record it is linked to
    (§11.70): by signature id and the signed content's hash, as stored."""

    id: str
    printed_name: str
    signer_id: str
    signed_at: str
    meaning: str
    reason: str
    entity_type: str
    entity_id: str
    content_sha256: Sha256
    manifest_sha256: Sha256
    manifestation: str
    signs: str = Field(description="What the signature is linked to, in words.")
    manifest_verifies: bool = Field(
        description="The stored manifest hash still matches the signed fields."
    )


class AuditEntry(Part):
    seq: int
    occurred_at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str
    site: str | None = None
    reason: str | None = None
    signature_id: str | None = None
    hash: Sha256


class ChainCheck(Part):
    """8. The whole audit chain verified at export time."""

    verified: bool
    records: int
    head_seq: int | None = None
    head_hash: str | None = None
    anchored_seq: int | None = None
    findings: list[str]


class AuditPart(Part):
    chain: ChainCheck
    records: list[AuditEntry]


class Generated(Part):
    """9. Who generated the package, and when (UTC)."""

    at: str
    by: str
    by_name: str


class EvidencePackage(Part):
    """The evidence package of one template version (docs/evidence.md)."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        frozen=True,
        alias_generator=to_camel,
        title="EvidencePackage",
    )

    api_version: ApiVersion = API_VERSION
    kind: Literal["EvidencePackage"] = "EvidencePackage"
    site: str | None = Field(default=None, description="The one site it is limited to, if any.")
    template: TemplatePart
    validation_record: RecordPart
    test_cases: list[CaseResults]
    system_checks: list[SystemCheck]
    deviations: list[Deviation]
    environment_history: EnvironmentHistory
    coverage: CoveragePart
    signatures: list[Signature]
    audit_trail: AuditPart
    generated: Generated
    sha256: Sha256 = Field(
        default="",
        description="sha256 of the canonical JSON of this package without this field.",
    )

    @property
    def label(self) -> str:
        return f"{self.template.key}@{self.template.version}"


def json_form(package: EvidencePackage) -> dict[str, Any]:
    """The package as JSON data (camelCase), as exported."""
    found: dict[str, Any] = package.model_dump(mode="json", by_alias=True)
    return found


def package_sha256(form: dict[str, Any]) -> str:
    """The sha256 of a package's JSON form: the canonical JSON of everything but `sha256`."""
    return content_hash({name: value for name, value in form.items() if name != SEAL})


def sealed(package: EvidencePackage) -> EvidencePackage:
    """The package with its own sha256 filled in."""
    return package.model_copy(update={"sha256": package_sha256(json_form(package))})


def verifies(form: dict[str, Any]) -> bool:
    """Whether a package's JSON form still carries the sha256 of its content."""
    return form.get(SEAL) == package_sha256(form)


def json_bytes(package: EvidencePackage) -> bytes:
    """The exported JSON file: indented for people (the hash is over the canonical form)."""
    return (json.dumps(json_form(package), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the package's JSON form."""
    schema = EvidencePackage.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_text() -> str:
    """The committed form of schemas/evidence-package.schema.json (`make schema` writes it)."""
    return json.dumps(json_schema(), indent=2) + "\n"
