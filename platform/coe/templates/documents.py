"""The ProcessTemplate and SiteOverlay documents (docs/formats/) as typed models.

These models are the single source of the JSON Schemas shipped in `schemas/`: editors validate
and complete the YAML with them, and `coe template validate` checks structure against the very
same schema before the semantic rules in `validation.py` run. (Documents, not tables: the
database tables live in `coe.models`.)
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from coe.documents.fields import ID_PATTERN, KEY_PATTERN, SEMVER_PATTERN, ApiVersion, Strict
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

    type: ParameterType = Field(description="The kind of value the parameter holds.")
    default: Any = Field(description="The global value; sites keep it unless allowed to set one.")
    minimum: Number | str | None = Field(
        default=None, description="number/integer: lowest value; duration: shortest ('30s')."
    )
    maximum: Number | str | None = Field(
        default=None, description="number/integer: highest value; duration: longest ('2h')."
    )
    values: list[str] | None = Field(default=None, description="enum: the allowed values.")
    pattern: str | None = Field(default=None, description="string: a regular expression.")
    max_length: int | None = Field(
        default=None, alias="maxLength", ge=1, description="string: the most characters."
    )
    unit: str | None = Field(default=None, description="Unit of measure, e.g. degC.")
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
    description: str | None = Field(default=None, description="What the value controls.")


class DataCollection(Strict):
    """A value recorded during an operation, with spec limits (numbers or expressions)."""

    id: str = Field(pattern=ID_PATTERN, description="Name of the recorded value.")
    unit: str | None = Field(default=None, description="Unit of measure.")
    target: Limit | None = Field(
        default=None,
        description="The aim: a number, or an expression over parameters "
        "(`${seal_temperature_c}`).",
    )
    lower_limit: Limit | None = Field(
        default=None,
        alias="lowerLimit",
        description="Lowest acceptable value: a number or an expression "
        "(`${seal_temperature_c} - 5`).",
    )
    upper_limit: Limit | None = Field(
        default=None, alias="upperLimit", description="Highest acceptable value, likewise."
    )
    description: str | None = Field(default=None, description="What is measured.")


class Sampling(Strict):
    plan: Literal["fixed", "percent", "all"] = Field(
        default="fixed", description="fixed: `size` samples; percent: `size` %; all: every unit."
    )
    size: Number = Field(gt=0, description="How many samples, or what percentage.")
    per: Literal["unit", "batch", "lot", "shift", "hour"] = Field(
        default="batch", description="What each sample is drawn from."
    )


class QualityCheck(Strict):
    id: str = Field(pattern=ID_PATTERN, description="Name of the check.")
    method: str | None = Field(default=None, description="Test method, e.g. ASTM F88.")
    sampling: Sampling | None = Field(default=None, description="How much is tested.")
    on_fail: Literal["rework", "scrap", "hold"] = Field(
        alias="onFail", description="What happens to what failed the check."
    )
    description: str | None = Field(default=None, description="What is checked.")


class Operation(Strict):
    """An ordered step (ISA-95 process segment)."""

    id: str = Field(
        pattern=ID_PATTERN,
        description="Unique among the template's operations and its sites' added steps.",
    )
    kind: str = Field(
        pattern=KEY_PATTERN,
        description="execution, checklist, inspection, weighing, labeling, …",
    )
    title: str = Field(min_length=1, max_length=200, description="Shown to the operator.")
    equipment_class: str | None = Field(
        default=None,
        alias="equipmentClass",
        pattern=KEY_PATTERN,
        description="The class of equipment the step runs on.",
    )
    instructions: str | None = Field(default=None, description="Work instructions.")
    signoff: list[str] | None = Field(default=None, description="Roles that sign the step off.")
    data_collection: list[DataCollection] | None = Field(
        default=None, alias="dataCollection", description="Values recorded during the step."
    )
    quality_checks: list[QualityCheck] | None = Field(
        default=None, alias="qualityChecks", description="Checks made during the step."
    )


class ExtensionPoint(Strict):
    """A named place where sites may add steps: the only way a site adds behaviour."""

    id: str = Field(pattern=ID_PATTERN, description="The name overlays extend (`spec.extend`).")
    after: str = Field(description="Id of the operation the site's steps follow.")
    allowed_kinds: list[str] = Field(
        alias="allowedKinds", min_length=1, description="Operation kinds a site may add here."
    )
    max_steps: int = Field(alias="maxSteps", ge=1, description="Most steps a site may add here.")


class ReasonCode(Strict):
    code: str = Field(
        pattern=r"^[A-Z][A-Z0-9-]{1,31}$", description="What events carry as `reasonCode`."
    )
    title: str = Field(min_length=1, description="What the code means.")
    children: list[ReasonCode] | None = Field(
        default=None, description="Finer codes under this one; events may carry them too."
    )


class ReasonCodes(Strict):
    """Standard reason trees; not overridable, which is what makes KPIs comparable."""

    downtime: list[ReasonCode] | None = Field(
        default=None, description="Why a work centre stood still (downtime events)."
    )
    scrap: list[ReasonCode] | None = Field(
        default=None, description="Why a unit was scrapped (unit.completed, scrapped)."
    )
    rework: list[ReasonCode] | None = Field(
        default=None, description="Why a unit was reworked (unit.completed, reworked)."
    )


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
    key: str = Field(
        pattern=KEY_PATTERN, description="The template's name, unique in the enterprise."
    )
    version: str = Field(
        pattern=SEMVER_PATTERN,
        description="This version; once published, key@version never changes content.",
    )
    title: str = Field(min_length=1, max_length=200, description="Human-readable name.")
    owner: str | None = Field(default=None, description="The COE team that owns it.")
    product_families: list[str] | None = Field(
        default=None, alias="productFamilies", description="Product families it is made for."
    )
    change_summary: str | None = Field(
        default=None, alias="changeSummary", description="What changed from the version before."
    )
    description: str | None = Field(default=None, description="Longer explanation.")


class TemplateSpec(Strict):
    parameters: dict[str, Parameter] = Field(
        default_factory=dict,
        description="The configuration surface, by name; nothing else is configurable.",
    )
    operations: list[Operation] = Field(min_length=1, description="The steps, in order.")
    extension_points: list[ExtensionPoint] | None = Field(
        default=None, alias="extensionPoints", description="The only places a site may add steps."
    )
    reason_codes: ReasonCodes | None = Field(
        default=None, alias="reasonCodes", description="The standard reason trees."
    )
    kpis: list[Kpi] | None = Field(
        default=None, description="The KPIs the template is measured by (docs/formats/kpis.md)."
    )
    migrations: Migrations | None = Field(
        default=None, description="How overlays written for earlier versions carry over."
    )


class ProcessTemplate(Strict):
    """A global process template version (docs/formats/process-template.md)."""

    api_version: ApiVersion = Field(
        alias="apiVersion", description="The version of the file format."
    )
    kind: Literal["ProcessTemplate"] = Field(description="What the document is.")
    metadata: TemplateMetadata = Field(description="Which template version this is.")
    spec: TemplateSpec = Field(description="The process.")


class OverlayMetadata(Strict):
    site: str = Field(pattern=KEY_PATTERN, description="Key of the site (an existing site).")
    template: str = Field(pattern=KEY_PATTERN, description="Key of the template it configures.")
    template_versions: str = Field(
        alias="templateVersions", min_length=1, description='A semver range, e.g. ">=2.0.0 <3.0.0".'
    )
    version: int = Field(ge=1, description="Overlay revision, increasing.")
    reason: str | None = Field(
        default=None, max_length=MAX_REASON, description="Why the site needs these values."
    )


class OverlaySpec(Strict):
    set: dict[str, Any] | None = Field(
        default=None, description="Values of siteConfigurable parameters, by name."
    )
    extend: dict[str, list[Operation]] | None = Field(
        default=None, description="Steps added at declared extension points."
    )


class SiteOverlay(Strict):
    """One site's values for one template (docs/formats/site-overlay.md)."""

    api_version: ApiVersion = Field(
        alias="apiVersion", description="The version of the file format."
    )
    kind: Literal["SiteOverlay"] = Field(description="What the document is.")
    metadata: OverlayMetadata = Field(description="Whose overlay, for which template versions.")
    spec: OverlaySpec = Field(
        default_factory=OverlaySpec, description="What the site sets and adds."
    )
