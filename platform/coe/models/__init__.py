"""SQLModel tables, one file per aggregate. Importing this package registers every table."""

from coe.environments import DEFAULT_ENVIRONMENTS, PRODUCTION, VALIDATION
from coe.models.audit import AuditRecord
from coe.models.enterprise import Area, Enterprise, PlantInstance, Site, WorkCenter, WorkUnit
from coe.models.identity import SigningLockout, User
from coe.models.production import BatchRecord, KpiDaily, ProductionEvent, UnitOutcome
from coe.models.registry import OverlayRevision, OverlayStatus, TemplateStatus, TemplateVersion
from coe.models.rollout import (
    DriftObservation,
    LedgerEntry,
    LedgerStatus,
    Rollout,
    RolloutSite,
    RolloutStatus,
    SiteState,
)
from coe.models.signature import Signature
from coe.models.transfer import ACTIVE_TRANSFER, Transfer, TransferStatus
from coe.models.validation import (
    DeviationStatus,
    Outcome,
    ResultKind,
    ValidationDeviation,
    ValidationRecord,
    ValidationResult,
    ValidationStatus,
)

__all__ = [
    "ACTIVE_TRANSFER",
    "DEFAULT_ENVIRONMENTS",
    "PRODUCTION",
    "VALIDATION",
    "Area",
    "AuditRecord",
    "BatchRecord",
    "DeviationStatus",
    "DriftObservation",
    "Enterprise",
    "KpiDaily",
    "LedgerEntry",
    "LedgerStatus",
    "Outcome",
    "OverlayRevision",
    "OverlayStatus",
    "PlantInstance",
    "ProductionEvent",
    "ResultKind",
    "Rollout",
    "RolloutSite",
    "RolloutStatus",
    "Signature",
    "SigningLockout",
    "Site",
    "SiteState",
    "TemplateStatus",
    "TemplateVersion",
    "Transfer",
    "TransferStatus",
    "UnitOutcome",
    "User",
    "ValidationDeviation",
    "ValidationRecord",
    "ValidationResult",
    "ValidationStatus",
    "WorkCenter",
    "WorkUnit",
]
