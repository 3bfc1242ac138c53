"""The ProcessTemplate and SiteOverlay documents (FORMATS.md) as typed models.

These models are the single source of the JSON Schemas shipped in `schemas/`: editors validate
and complete the YAML with them, and `coe template validate` checks structure against the very
same schema before the semantic rules in `validation.py` run.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from coe.documents.fields import ID_PATTERN, KEY_PATTERN, SEMVER_PATTERN, Strict
from coe.reasons import MAX_REASON

Number = int | float
# A limit is a number or an expression over parameters: "${seal_temperature_c} - 5".
Limit = int | float | str


class ParameterType(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    STRING = "string"
    BOOLEAN = "boolean"
    ENUM = "enum"
    DURATION = "duration"


class Parameter(Strict):
    """One value of the configuration surface. Everything not declared here is locked."""

    type: ParameterType
    default: Any = Field(description="The global value; sites keep it unless allowed to set one.")
    minimum: Number | str | None = Field(
        default=None, description="number/integer: lowest value; duration: shortest ('30s')."
    )
    maximum: Number | str | None = Field(
        default=None, description="number/integer: highest value; duration: longest ('2h')."
    )
    values: list[str] | None = Field(default=None, description="enum: the allowed values.")
    pattern: str | None = Field(default=None, description="string: a regular expression.")
    max_length: int | None = Field(default=None, alias="maxLength", ge=1)
    unit: str | None = None
    site_configurable: bool = Field(
        default=False,
        alias="siteConfigurable",
        description="true: sites may set their own value; false (default): locked.",
    )
    site_bound: bool = Field(
        default=False,
        alias="siteBound",
        description="The value belongs to the site: a transfer never carries it over.",
    )
    description: str | None = None


class DataCollection(Strict):
    """A value recorded during an operation, with spec limits (numbers or expressions)."""

    id: str = Field(pattern=ID_PATTERN)
    unit: str | None = None
    target: Limit | None = None
    lower_limit: Limit | None = Field(default=None, alias="lowerLimit")
    upper_limit: Limit | None = Field(default=None, alias="upperLimit")
    description: str | None = None


class Sampling(Strict):
    plan: Literal["fixed", "percent", "all"] = "fixed"
    size: Number = Field(gt=0)
    per: Literal["unit", "batch", "lot", "shift", "hour"] = "batch"


class QualityCheck(Strict):
    id: str = Field(pattern=ID_PATTERN)
    method: str | None = None
    sampling: Sampling | None = None
    on_fail: Literal["rework", "scrap", "hold"] = Field(alias="onFail")
    description: str | None = None


class Operation(Strict):
    """An ordered step (ISA-95 process segment)."""

    id: str = Field(pattern=ID_PATTERN)
    kind: str = Field(
        pattern=KEY_PATTERN,
        description="execution, checklist, inspection, weighing, labeling, …",
    )
    title: str = Field(min_length=1, max_length=200)
    equipment_class: str | None = Field(default=None, alias="equipmentClass", pattern=KEY_PATTERN)
    instructions: str | None = Field(default=None, description="Work instructions.")
    signoff: list[str] | None = Field(default=None, description="Roles that sign the step off.")
    data_collection: list[DataCollection] | None = Field(default=None, alias="dataCollection")
    quality_checks: list[QualityCheck] | None = Field(default=None, alias="qualityChecks")


class ExtensionPoint(Strict):
    """A named place where sites may add steps: the only way a site adds behaviour."""

    id: str = Field(pattern=ID_PATTERN)
    after: str = Field(description="Id of the operation the site's steps follow.")
    allowed_kinds: list[str] = Field(alias="allowedKinds", min_length=1)
    max_steps: int = Field(alias="maxSteps", ge=1)


class ReasonCode(Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]{1,31}$")
    title: str = Field(min_length=1)
    children: list[ReasonCode] | None = None


class ReasonCodes(Strict):
    """Standard reason trees; not overridable, which is what makes KPIs comparable."""

    downtime: list[ReasonCode] | None = None
    scrap: list[ReasonCode] | None = None
    rework: list[ReasonCode] | None = None


class Kpi(StrEnum):
    RIGHT_FIRST_TIME = "right_first_time"
    RELEASE_VELOCITY = "release_velocity"
    SCRAP_RATIO = "scrap_ratio"
    REWORK_RATIO = "rework_ratio"
    ADOPTION_LEAD_TIME = "adoption_lead_time"


class Migrations(Strict):
    renamed_parameters: dict[str, str] | None = Field(
        default=None,
        alias="renamedParameters",
        description="old name: new name — overlays written for earlier versions carry over.",
    )


class TemplateMetadata(Strict):
    key: str = Field(pattern=KEY_PATTERN)
    version: str = Field(pattern=SEMVER_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    owner: str | None = None
    product_families: list[str] | None = Field(default=None, alias="productFamilies")
    change_summary: str | None = Field(default=None, alias="changeSummary")
    description: str | None = None


class TemplateSpec(Strict):
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    operations: list[Operation] = Field(min_length=1)
    extension_points: list[ExtensionPoint] | None = Field(default=None, alias="extensionPoints")
    reason_codes: ReasonCodes | None = Field(default=None, alias="reasonCodes")
    kpis: list[Kpi] | None = None
    migrations: Migrations | None = None


class ProcessTemplate(Strict):
    """A global process template version (FORMATS.md, ProcessTemplate)."""

    api_version: Literal["coe.dev/v1"] = Field(alias="apiVersion")
    kind: Literal["ProcessTemplate"]
    metadata: TemplateMetadata
    spec: TemplateSpec


class OverlayMetadata(Strict):
    site: str = Field(pattern=KEY_PATTERN)
    template: str = Field(pattern=KEY_PATTERN)
    template_versions: str = Field(
        alias="templateVersions", min_length=1, description='A semver range, e.g. ">=2.0.0 <3.0.0".'
    )
    version: int = Field(ge=1, description="Overlay revision, increasing.")
    reason: str | None = Field(default=None, max_length=MAX_REASON)


class OverlaySpec(Strict):
    set: dict[str, Any] | None = Field(default=None, description="Parameter values.")
    extend: dict[str, list[Operation]] | None = Field(
        default=None, description="Steps added at declared extension points."
    )


class SiteOverlay(Strict):
    """One site's values for one template (FORMATS.md, SiteOverlay)."""

    api_version: Literal["coe.dev/v1"] = Field(alias="apiVersion")
    kind: Literal["SiteOverlay"]
    metadata: OverlayMetadata
    spec: OverlaySpec = Field(default_factory=OverlaySpec)
