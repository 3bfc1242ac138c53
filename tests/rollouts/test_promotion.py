"""The production gate's rules (pure): every reason a version may not go to production."""

from __future__ import annotations

from coe.rollouts.promotion import (
    Record,
    SiteEvidence,
    placements,
    production_blockers,
    validation_environment,
)

TARGET = "sterile-barrier-sealing@2.1.0"
A, B = "a" * 64, "b" * 64
APPROVED = Record("approved")


def reasons(*sites: SiteEvidence, record: Record | None = APPROVED) -> list[tuple[str, str]]:
    return [(v.pointer, v.reason) for v in production_blockers(TARGET, "validation", record, sites)]


def test_the_validation_environment_is_the_one_before_production() -> None:
    assert validation_environment(["validation", "production"]) == "validation"
    assert validation_environment(["development", "qualification", "production"]) == (
        "qualification"
    )
    assert validation_environment(["production"]) is None


def test_an_enterprise_without_a_validation_environment_has_no_gate() -> None:
    site = SiteEvidence("cork", "/spec/waves/0/sites/0", A, validation_instance=True)
    assert production_blockers(TARGET, None, None, [site]) == []


def test_a_version_without_an_approved_record_is_refused_and_says_why() -> None:
    assert reasons(record=None) == [
        (
            "/metadata/version",
            f"{TARGET} has no validation record: write its ValidationRecord and `coe "
            "validation save` it, execute it and have QA conclude it",
        )
    ]
    [(pointer, reason)] = reasons(record=Record("open", ("DEV-1",)))
    assert pointer == "/metadata/version"
    assert "is not concluded (it is open; open deviations: DEV-1)" in reason


def test_a_site_verified_with_its_exact_definition_passes() -> None:
    site = SiteEvidence("cork", "/spec/waves/0/sites/0", A, True, verified={B, A})
    assert reasons(site) == []


def test_a_site_whose_definition_changed_after_validation_is_refused_naming_both_hashes() -> None:
    site = SiteEvidence("cork", "/spec/waves/0/sites/0", A, True, verified={B})
    assert reasons(site) == [
        (
            "/spec/waves/0/sites/0",
            f"site 'cork': its production definition {A[:12]}… differs from the one verified "
            f"in validation ({B[:12]}…): its overlay changed since; roll {TARGET} out to its "
            "validation instance again",
        )
    ]


def test_a_site_never_deployed_to_its_validation_instance_is_refused() -> None:
    site = SiteEvidence("penang", "/spec/waves/1/selector", A, True)
    [(pointer, reason)] = reasons(site)
    assert pointer == "/spec/waves/1/selector"
    assert "has not been deployed and verified at its validation instance" in reason


def test_a_site_without_a_validation_instance_needs_to_lie_inside_the_design_space() -> None:
    inside = SiteEvidence("galway", "/spec/waves/0/sites/0", A, False, uncovered=())
    outside = SiteEvidence(
        "suzhou",
        "/spec/waves/0/sites/1",
        B,
        False,
        uncovered=("seal_temperature_c = 190 is outside the validated 165 to 185",),
    )
    unknown = SiteEvidence("juncos", "/spec/waves/0/sites/2", B, False, uncovered=None)
    found = reasons(inside, outside, unknown)
    assert [pointer for pointer, _ in found] == ["/spec/waves/0/sites/1", "/spec/waves/0/sites/2"]
    assert found[0][1].startswith("site 'suzhou': site verification required")
    assert found[0][1].endswith("seal_temperature_c = 190 is outside the validated 165 to 185")
    assert "no validated design space yet" in found[1][1]


def test_a_site_whose_overlay_does_not_compose_is_left_to_the_plans_overlay_rule() -> None:
    assert reasons(SiteEvidence("tijuana", "/spec/waves/0/sites/0", None, True)) == []


def test_every_reason_is_reported_not_only_the_first() -> None:
    sites = [
        SiteEvidence("cork", "/spec/waves/0/sites/0", A, True, verified={B}),
        SiteEvidence("penang", "/spec/waves/0/sites/1", A, True),
    ]
    assert len(reasons(*sites, record=None)) == 3


def test_placements_name_a_site_where_the_plan_puts_it() -> None:
    assert placements([(["cork"], ["cork"]), (None, ["penang", "suzhou"])]) == {
        "cork": "/spec/waves/0/sites/0",
        "penang": "/spec/waves/1/selector",
        "suzhou": "/spec/waves/1/selector",
    }
