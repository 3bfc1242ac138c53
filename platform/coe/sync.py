"""Templates and overlays as code: compare the folders with the registry and plan the changes
(pure; `coe sync` applies the plan through the API).

Each template version moves as far as it can without a human signature: a new or changed file
becomes a draft submitted for review; an approved version is published. A published version is
never changed: different content under a published key@version is an error, not an update.
Validation records beside the templates are saved after them; an approved (concluded) record
is frozen likewise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from coe.canonical import content_hash

FROZEN = {"PUBLISHED", "DEPRECATED", "RETIRED"}


class Step(StrEnum):
    CREATE = "create"  # new draft, submitted for review
    UPDATE = "update"  # changed draft, submitted again
    SUBMIT = "submit"
    PUBLISH = "publish"
    PROPOSE = "propose"
    UNCHANGED = "unchanged"
    WAITING = "waiting"  # needs a person: an approval e-signature
    BLOCKED = "blocked"  # cannot proceed yet (e.g. no published template version)
    ERROR = "error"


CHANGES = {Step.CREATE, Step.UPDATE, Step.SUBMIT, Step.PUBLISH, Step.PROPOSE}


@dataclass(frozen=True)
class Action:
    step: Step
    target: str
    file: str
    detail: str
    document: Mapping[str, Any] | None = None

    @property
    def changes(self) -> bool:
        return self.step in CHANGES


@dataclass(frozen=True)
class RemoteTemplate:
    status: str
    sha256: str


@dataclass(frozen=True)
class RemoteOverlay:
    version: int
    status: str
    sha256: str


@dataclass(frozen=True)
class RemoteRecord:
    status: str  # OPEN or APPROVED
    sha256: str


def record_target(key: str, version: str) -> str:
    return f"validation record {key}@{version}"


def plan(
    templates: Sequence[tuple[str, Mapping[str, Any]]],
    overlays: Sequence[tuple[str, Mapping[str, Any]]],
    remote_templates: Mapping[tuple[str, str], RemoteTemplate],
    remote_overlays: Mapping[tuple[str, str], RemoteOverlay],
) -> list[Action]:
    actions = [_template_action(file, doc, remote_templates) for file, doc in templates]
    publishable = {key for (key, _), row in remote_templates.items() if row.status in FROZEN}
    publishable |= {a.target.split("@")[0] for a in actions if a.step is Step.PUBLISH}
    actions += [_overlay_action(file, doc, remote_overlays, publishable) for file, doc in overlays]
    return actions


def _template_action(
    file: str, document: Mapping[str, Any], remote: Mapping[tuple[str, str], RemoteTemplate]
) -> Action:
    key, version = document["metadata"]["key"], document["metadata"]["version"]
    target, digest = f"{key}@{version}", content_hash(document)
    row = remote.get((key, version))
    if row is None:
        return Action(Step.CREATE, target, file, "new draft, submitted for review", document)
    if row.sha256 != digest:
        if row.status in FROZEN:
            return Action(
                Step.ERROR,
                target,
                file,
                f"{row.status.lower()} with different content: a published version "
                "never changes — give the file a new version",
            )
        return Action(
            Step.UPDATE,
            target,
            file,
            f"content changed ({row.status.lower()}): draft updated and submitted "
            "again; any approval is void",
            document,
        )
    if row.status == "DRAFT":
        return Action(Step.SUBMIT, target, file, "draft submitted for review")
    if row.status == "APPROVED":
        return Action(Step.PUBLISH, target, file, "approved: published")
    if row.status == "IN_REVIEW":
        return Action(Step.WAITING, target, file, "in review: needs an approval e-signature")
    return Action(Step.UNCHANGED, target, file, row.status.lower())


def _overlay_action(
    file: str,
    document: Mapping[str, Any],
    remote: Mapping[tuple[str, str], RemoteOverlay],
    publishable: set[str],
) -> Action:
    metadata = document["metadata"]
    site, template, version = metadata["site"], metadata["template"], metadata["version"]
    target, digest = f"{site}/{template}#{version}", content_hash(document)
    row = remote.get((site, template))
    if row is not None and row.sha256 == digest:
        state = (
            "proposed: needs an approval e-signature"
            if row.status == "PROPOSED"
            else row.status.lower()
        )
        return Action(
            Step.WAITING if row.status == "PROPOSED" else Step.UNCHANGED, target, file, state
        )
    if row is not None and version <= row.version:
        return Action(
            Step.ERROR,
            target,
            file,
            f"content differs from revision {row.version}: raise metadata.version "
            f"above {row.version}",
        )
    if template not in publishable:
        return Action(
            Step.BLOCKED,
            target,
            file,
            f"{template} has no published version yet to validate against",
        )
    return Action(Step.PROPOSE, target, file, "new revision proposed for approval", document)


def record_actions(
    records: Sequence[tuple[str, Mapping[str, Any]]],
    remote_records: Mapping[tuple[str, str], RemoteRecord],
    template_actions: Sequence[Action] = (),
) -> list[Action]:
    """What to do with each validation record file, once `template_actions` are applied: a
    record whose template version errs here waits for it; an approved record never changes."""
    failed = {a.target for a in template_actions if a.step is Step.ERROR}
    return [_record_action(file, doc, remote_records, failed) for file, doc in records]


def _record_action(
    file: str,
    document: Mapping[str, Any],
    remote: Mapping[tuple[str, str], RemoteRecord],
    failed: set[str],
) -> Action:
    key, version = document["metadata"]["template"], document["metadata"]["version"]
    target, digest = record_target(key, version), content_hash(document)
    row = remote.get((key, version))
    if row is not None and row.sha256 == digest:
        return Action(Step.UNCHANGED, target, file, row.status.lower())
    if row is not None and row.status == "APPROVED":
        return Action(
            Step.ERROR,
            target,
            file,
            "approved with different content: a concluded record is frozen — a new template "
            "version needs its own record",
        )
    if f"{key}@{version}" in failed:
        return Action(Step.BLOCKED, target, file, f"{key}@{version} itself cannot be synced")
    if row is None:
        return Action(Step.CREATE, target, file, "new validation record saved", document)
    return Action(Step.UPDATE, target, file, "validation record updated (open)", document)
