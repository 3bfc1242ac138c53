"""Rules for sites and their hierarchy, as pure functions returning every violation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlparse
from zoneinfo import available_timezones

KEY = re.compile(r"^[a-z][a-z0-9-]{0,62}[a-z0-9]$")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_.-]{0,62}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_NAME = 200
MAX_LIST = 32
MAX_LABEL_VALUE = 200

Violation = dict[str, str]


@dataclass(frozen=True)
class SiteFields:
    """The editable fields of a site; `None` means "not given" (for updates)."""

    name: str | None = None
    region: str | None = None
    country: str | None = None
    time_zone: str | None = None
    regulatory_scope: Sequence[str] | None = None
    labels: Mapping[str, str] | None = None
    plant_endpoint: str | None = None
    clear: frozenset[str] = field(default_factory=frozenset)


def key_violations(key: str, path: str = "/key") -> list[Violation]:
    if KEY.match(key):
        return []
    return [
        {
            "path": path,
            "reason": f"{key!r} is not a key: lowercase letters, digits and '-', "
            "2-64 characters, starting with a letter",
        }
    ]


def name_violations(name: str | None, path: str = "/name") -> list[Violation]:
    if name is None:
        return []
    if not name.strip() or len(name) > MAX_NAME:
        return [{"path": path, "reason": f"required, at most {MAX_NAME} characters"}]
    return []


def site_violations(fields: SiteFields, *, creating: bool) -> list[Violation]:
    """Every problem with a new site (all required fields) or an update (given fields only)."""
    violations: list[Violation] = []
    if creating:
        for name in ("name", "region", "time_zone"):
            if getattr(fields, name) is None:
                violations.append({"path": "/" + _camel(name), "reason": "required"})
    violations += name_violations(fields.name)
    if fields.region is not None:
        violations += key_violations(fields.region, "/region")
    if fields.country is not None and not COUNTRY.match(fields.country):
        violations.append({"path": "/country", "reason": "an ISO 3166-1 alpha-2 code, e.g. IE"})
    if fields.time_zone is not None and fields.time_zone not in _time_zones():
        violations.append(
            {"path": "/timeZone", "reason": f"unknown IANA time zone {fields.time_zone!r}"}
        )
    violations += _scope_violations(fields.regulatory_scope)
    violations += _label_violations(fields.labels)
    if fields.plant_endpoint is not None:
        violations += endpoint_violations(fields.plant_endpoint)
    return violations


def endpoint_violations(endpoint: str, path: str = "/plantEndpoint") -> list[Violation]:
    parsed = urlparse(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or len(endpoint) > 500:
        return [{"path": path, "reason": "an http(s) URL of the plant instance"}]
    if parsed.username or parsed.password:
        return [
            {
                "path": path,
                "reason": "credentials do not belong in the URL; they are kept per site",
            }
        ]
    return []


MAX_ENVIRONMENTS = 8
ENVIRONMENT = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")


def environments_violations(names: Sequence[str], production: str) -> list[Violation]:
    """An enterprise's environments: distinct keys in promotion order, production last."""
    if not names:
        return [{"path": "/environments", "reason": f"at least {production!r}"}]
    if len(names) > MAX_ENVIRONMENTS:
        return [{"path": "/environments", "reason": f"at most {MAX_ENVIRONMENTS} environments"}]
    violations: list[Violation] = []
    seen: set[str] = set()
    for index, name in enumerate(names):
        if not ENVIRONMENT.match(name):
            violations.append(
                {
                    "path": f"/environments/{index}",
                    "reason": f"{name!r} is not an environment key: lowercase letters, digits "
                    "and '-', 2-32 characters, starting with a letter",
                }
            )
        elif name in seen:
            violations.append({"path": f"/environments/{index}", "reason": f"{name!r} twice"})
        seen.add(name)
    if names[-1] != production:
        violations.append(
            {
                "path": f"/environments/{len(names) - 1}",
                "reason": f"the last environment is {production!r}: versions are promoted to it",
            }
        )
    return violations


def _scope_violations(scope: Sequence[str] | None) -> list[Violation]:
    if scope is None:
        return []
    if len(scope) > MAX_LIST:
        return [{"path": "/regulatoryScope", "reason": f"at most {MAX_LIST} entries"}]
    return [
        {"path": f"/regulatoryScope/{index}", "reason": "1-64 characters"}
        for index, item in enumerate(scope)
        if not item.strip() or len(item) > 64
    ]


def _label_violations(labels: Mapping[str, Any] | None) -> list[Violation]:
    if labels is None:
        return []
    if len(labels) > MAX_LIST:
        return [{"path": "/labels", "reason": f"at most {MAX_LIST} labels"}]
    violations = []
    for key, value in labels.items():
        if not LABEL_KEY.match(key):
            violations.append(
                {
                    "path": f"/labels/{key}",
                    "reason": "label keys are lowercase letters, digits, '_', '.', '-'",
                }
            )
        elif not isinstance(value, str) or len(value) > MAX_LABEL_VALUE:
            violations.append(
                {
                    "path": f"/labels/{key}",
                    "reason": f"a string of at most {MAX_LABEL_VALUE} characters",
                }
            )
    return violations


def equipment_class_violations(classes: Sequence[str], path: str) -> list[Violation]:
    if len(classes) > MAX_LIST:
        return [{"path": path, "reason": f"at most {MAX_LIST} equipment classes"}]
    violations: list[Violation] = []
    for index, item in enumerate(classes):
        violations += key_violations(item, f"{path}/{index}")
    return violations


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())
