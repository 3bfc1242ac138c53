"""The production gate (pure): what keeps a template version from being rolled out to
production, each reason with its place in the plan.

A version reaches production only as the bytes that passed validation. It needs an approved
validation record (its CSA conclusion signed), and for every site of the plan either

- the site's exact production definition (the version with the site's current overlay, by
  sha256) deployed and verified at the site's validation instance (the validation ledger: the
  deployment activity records an entry only once the plant reported that hash), or
- when the site has no validation instance, its effective values inside the version's
  validated design space (`coe.validation.design_space`), and no extension steps of its own.

An enterprise without a validation environment (its environments are only production) has no
gate. An emergency change bypasses it under a deviation and two QA signatures (see the
rollout service), never silently.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from coe.documents import Violation


@dataclass(frozen=True)
class SiteEvidence:
    """What the gate knows about one site of a production rollout."""

    site: str
    pointer: str  # where the plan puts the site: /spec/waves/0/sites/1, or its wave's selector
    sha256: str | None  # the production definition it would receive now (None: none composes)
    validation_instance: bool
    # sha256s of the version's definitions deployed and verified at its validation instance
    verified: Collection[str] = ()
    # why its values are outside the validated design space (empty: inside); None when no
    # design space could be stated (no approved record)
    uncovered: Sequence[str] | None = None


@dataclass(frozen=True)
class Record:
    """The version's validation record as the gate needs it (None: there is none)."""

    status: str  # open | approved
    open_deviations: Sequence[str] = field(default_factory=tuple)


def short(sha256: str) -> str:
    return f"{sha256[:12]}…"


def production_blockers(
    target: str,
    environment: str | None,
    record: Record | None,
    sites: Sequence[SiteEvidence],
) -> list[Violation]:
    """Every reason `target` (KEY@VERSION) may not go to production now; none: it may.
    `environment` is the enterprise's validation environment (None: there is no gate)."""
    if environment is None:
        return []
    found: list[Violation] = []
    if record is None:
        found.append(
            Violation(
                "/metadata/version",
                f"{target} has no validation record: write its ValidationRecord and "
                "`coe validation save` it, execute it and have QA conclude it",
            )
        )
    elif record.status != "approved":
        found.append(
            Violation(
                "/metadata/version",
                f"the validation record of {target} is not concluded (it is {record.status}"
                + (
                    f"; open deviations: {', '.join(record.open_deviations)}"
                    if record.open_deviations
                    else ""
                )
                + "): a QA approver signs its conclusion once every test case has passed",
            )
        )
    for site in sites:
        found += _site_blockers(target, environment, site)
    return found


def _site_blockers(target: str, environment: str, site: SiteEvidence) -> list[Violation]:
    if site.sha256 is None:
        return []  # no definition composes: the plan's onIncompatibleOverlay decides
    if site.validation_instance:
        if site.sha256 in site.verified:
            return []
        if site.verified:
            seen = ", ".join(short(sha) for sha in sorted(site.verified))
            reason = (
                f"site {site.site!r}: its production definition {short(site.sha256)} differs "
                f"from the one verified in {environment} ({seen}): its overlay changed since; "
                f"roll {target} out to its {environment} instance again"
            )
        else:
            reason = (
                f"site {site.site!r}: its definition {short(site.sha256)} of {target} has not "
                f"been deployed and verified at its {environment} instance"
            )
        return [Violation(site.pointer, reason)]
    if site.uncovered is None:
        return [
            Violation(
                site.pointer,
                f"site {site.site!r} has no {environment} instance, and {target} has no "
                "validated design space yet to cover it",
            )
        ]
    if site.uncovered:
        return [
            Violation(
                site.pointer,
                f"site {site.site!r}: site verification required, it has no {environment} "
                f"instance and is not covered by the validation of {target}: "
                + "; ".join(site.uncovered),
            )
        ]
    return []


def validation_environment(environments: Sequence[str]) -> str | None:
    """The environment just before production, where versions are validated (None: the
    enterprise promotes through production only)."""
    return environments[-2] if len(environments) >= 2 else None


def placements(waves: Sequence[tuple[Sequence[str] | None, Sequence[str]]]) -> Mapping[str, str]:
    """Site → its place in the plan, from each wave's (explicit sites or None, resolved
    sites): /spec/waves/I/sites/J for a site the wave names, /spec/waves/I/selector for one
    its selector picked."""
    found: dict[str, str] = {}
    for index, (named, resolved) in enumerate(waves):
        for site in resolved:
            found[site] = (
                f"/spec/waves/{index}/sites/{list(named).index(site)}"
                if named is not None and site in named
                else f"/spec/waves/{index}/selector"
            )
    return found
