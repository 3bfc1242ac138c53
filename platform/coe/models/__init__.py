"""SQLModel tables, one file per aggregate. Importing this package registers every table."""

from coe.models.audit import AuditRecord
from coe.models.enterprise import Area, Enterprise, Site, WorkCenter, WorkUnit
from coe.models.identity import User
from coe.models.registry import OverlayRevision, OverlayStatus, TemplateStatus, TemplateVersion
from coe.models.signature import Signature

__all__ = [
    "Area",
    "AuditRecord",
    "Enterprise",
    "OverlayRevision",
    "OverlayStatus",
    "Signature",
    "Site",
    "TemplateStatus",
    "TemplateVersion",
    "User",
    "WorkCenter",
    "WorkUnit",
]
