"""The rules of executing a validation record (pure): what a manual result must be, when the
record may be concluded, and when a previous version's result may be reused.

Results are identified by a *test case*: a scripted test case id of the record (`TC-SEAL-1`),
`CHARTER` for the unscripted session under the record's charter, or an automated check the
platform runs itself: `limits:<TC-ID>` (the definition composed at the test case's values
resolves every limit inside its spec) and `deployment:<site>` (the version's definition
deployed and verified by hash at that site's validation instance). The latest result of each
counts; earlier ones stay as history.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coe.canonical import content_hash
from coe.documents import Violation, pointer
from coe.templates.validation import value_problems
from coe.validation.design_space import exercised, operation_parameters

CHARTER = "CHARTER"  # the test case id of the unscripted session under the charter
LIMITS = "limits:"  # automated: limits:<TC-ID>
DEPLOYMENT = "deployment:"  # automated: deployment:<site>
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_TEXT = 4000
MAX_NAME = 200


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def scripted_cases(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The scripted test cases of a ValidationRecord document, in order."""
    return [_dict(case) for case in _list(_dict(record.get("spec")).get("testCases"))]


def case_ids(record: Mapping[str, Any]) -> list[str]:
    """What a manual result may name: every scripted test case id, then CHARTER when the
    record has a charter."""
    ids = [str(case.get("id")) for case in scripted_cases(record)]
    if _dict(record.get("spec")).get("charter"):
        ids.append(CHARTER)
    return ids


def find_case(record: Mapping[str, Any], case_id: str) -> dict[str, Any] | None:
    return next((case for case in scripted_cases(record) if case.get("id") == case_id), None)


def limits_id(case_id: str) -> str:
    return f"{LIMITS}{case_id}"


def deployment_id(site: str) -> str:
    return f"{DEPLOYMENT}{site}"


def is_automated(case_id: str) -> bool:
    return case_id.startswith((LIMITS, DEPLOYMENT))


def display_order(record: Mapping[str, Any], case_ids_found: Collection[str]) -> list[str]:
    """`case_ids_found` in the order a reader expects: the scripted test cases in record order,
    CHARTER, their limit checks in the same order, the deployments by site, then any other
    (a test case the record no longer has)."""
    scripted = [str(case.get("id")) for case in scripted_cases(record)]
    wanted = [*scripted, CHARTER, *(limits_id(case_id) for case_id in scripted)]
    rank = {case_id: index for index, case_id in enumerate(wanted)}
    return sorted(
        case_ids_found,
        key=lambda case_id: (
            rank.get(case_id, len(wanted) + (0 if case_id.startswith(DEPLOYMENT) else 1)),
            case_id,
        ),
    )


# --- a manual result -----------------------------------------------------------------------


@dataclass(frozen=True)
class ManualResult:
    """A manual result as it will be stored: the parameter values it exercised."""

    parameters: dict[str, Any]
    evidence: list[dict[str, str]]


def manual_result(
    record: Mapping[str, Any],
    template: Mapping[str, Any],
    case_id: str,
    actual: str,
    parameters: Mapping[str, Any] | None,
    evidence: Sequence[Mapping[str, Any]],
) -> tuple[ManualResult, list[Violation]]:
    """Check a tester's result of `case_id` against the record and its template version.

    Pointers are into the mutation's arguments (`/testCase`, `/parameters/<name>`,
    `/evidence/<i>/sha256`). The parameters stored are the values the test case exercises
    (`design_space.exercised`: those it names, the rest of its operation's at the default),
    with those the tester gives over them. A given value must be a parameter of the version
    and an acceptable value of it, and must agree with the value the test case exercises: the
    validated design space is made of the record's values, so a result at other values is
    another test case (change the record). Parameters the test case does not exercise (another
    operation's) are accepted and recorded as given; they validate nothing."""
    problems: list[Violation] = []
    known = case_ids(record)
    label = _label(template)
    if case_id not in known:
        problems.append(
            Violation(
                "/testCase",
                f"{case_id!r} is not a test case of the validation record of {label} "
                f"(its test cases: {', '.join(known) or 'none'})",
            )
        )
        return ManualResult({}, []), problems
    case = find_case(record, case_id)
    scripted = exercised(template, case) if case is not None else {}
    declared = _dict(_dict(template.get("spec")).get("parameters"))
    stored = dict(scripted)
    for name, value in _dict(parameters).items():
        at = pointer("parameters", name)
        definition = declared.get(name)
        if not isinstance(definition, dict):
            problems.append(Violation(at, f"{name!r} is not a parameter of {label}"))
            continue
        found = value_problems(definition, value)
        problems += [Violation(at, f"{name!r} {problem}") for problem in found]
        if found:
            continue
        if name in scripted and content_hash(scripted[name]) != content_hash(value):
            problems.append(
                Violation(
                    at,
                    f"{case_id} exercises {name} = {scripted[name]!r}, not {value!r}: a "
                    "result at other values is another test case (change the record)",
                )
            )
            continue
        stored[name] = value
    if not actual.strip():
        problems.append(Violation("/actual", "required: what actually happened"))
    elif len(actual) > MAX_TEXT:
        problems.append(Violation("/actual", f"at most {MAX_TEXT} characters"))
    kept, evidence_problems = evidence_items(evidence)
    problems += evidence_problems
    return ManualResult(dict(sorted(stored.items())), kept), problems


def evidence_items(
    evidence: Sequence[Mapping[str, Any]],
) -> tuple[list[dict[str, str]], list[Violation]]:
    """Evidence attachments as stored ({name, sha256}) and what is wrong with them."""
    kept: list[dict[str, str]] = []
    problems: list[Violation] = []
    for index, item in enumerate(evidence):
        name, digest = str(item.get("name") or "").strip(), str(item.get("sha256") or "")
        if not name or len(name) > MAX_NAME:
            problems.append(
                Violation(
                    pointer("evidence", index, "name"), f"required, at most {MAX_NAME} characters"
                )
            )
        if not SHA256.match(digest):
            problems.append(
                Violation(
                    pointer("evidence", index, "sha256"),
                    f"{digest!r} is not a sha256 (64 lower-case hexadecimal digits)",
                )
            )
        kept.append({"name": name, "sha256": digest})
    return kept, problems


def _label(template: Mapping[str, Any]) -> str:
    metadata = _dict(template.get("metadata"))
    return f"{metadata.get('key')}@{metadata.get('version')}"


# --- the conclusion ------------------------------------------------------------------------


@dataclass(frozen=True)
class LatestResult:
    """What the readiness rules read of a test case's latest result."""

    test_case: str
    kind: str
    outcome: str
    parameters: Mapping[str, Any]


@dataclass(frozen=True)
class OpenDeviation:
    key: str
    title: str


def conclusion_blockers(
    record: Mapping[str, Any],
    latest: Collection[LatestResult],
    deviations: Collection[OpenDeviation],
    signer: str | None,
    template_author: str,
    testers: Collection[str],
    *,
    template_changed: bool = False,
) -> list[str]:
    """What stands in the way of concluding the record, in words; empty when it may be
    concluded (by `signer`; None: whoever signs, only the record's own state is judged).

    `latest`: the latest result of each test case and check; `deviations`: the open ones;
    `testers`: who recorded manual results of this version; `template_changed`: the version's
    content is no longer the one the record was saved against."""
    blockers: list[str] = []
    if template_changed:
        blockers.append(
            "the template version's content changed since the record was saved: save the "
            "record again and re-execute it"
        )
    blockers += [f"deviation {d.key} is open: {d.title}" for d in deviations]
    by_case = {result.test_case: result for result in latest}
    missing, failed = [], []
    for case in scripted_cases(record):
        case_id = str(case.get("id"))
        result = by_case.get(case_id)
        if result is None:
            missing.append(case_id)
        elif result.outcome != "pass":
            failed.append(case_id)
        else:
            blockers += _disagreements(case, result)
    if missing:
        blockers.append(f"no result yet for {', '.join(missing)}")
    if failed:
        blockers.append(f"the latest result failed for {', '.join(failed)}")
    blockers += list(_check_blockers(record, by_case))
    if signer is not None:
        if signer == template_author:
            blockers.append(
                f"{signer} authored the template version and cannot conclude its validation"
            )
        if signer in testers:
            blockers.append(f"{signer} tested this version and cannot conclude its validation")
    return blockers


def _disagreements(case: Mapping[str, Any], result: LatestResult) -> Iterator[str]:
    """A passed result recorded at values the (since updated) record no longer names."""
    for name, value in _dict(case.get("parameters")).items():
        if name in result.parameters and content_hash(result.parameters[name]) != content_hash(
            value
        ):
            yield (
                f"{case.get('id')}: its latest result was at {name} = "
                f"{result.parameters[name]!r}, the record names {value!r}: record it again"
            )


def _check_blockers(
    record: Mapping[str, Any], by_case: Mapping[str, LatestResult]
) -> Iterator[str]:
    cases = [str(case.get("id")) for case in scripted_cases(record)]
    limits = [by_case.get(limits_id(case_id)) for case_id in cases]
    if cases and all(result is None for result in limits):
        yield "the automated limit checks have not run (run the validation checks)"
    else:
        not_run = [c for c, result in zip(cases, limits, strict=True) if result is None]
        if not_run:
            yield f"the limit check has not run for {', '.join(not_run)}"
    failed = sorted(
        result.test_case
        for result in by_case.values()
        if is_automated(result.test_case) and result.outcome != "pass"
    )
    if failed:
        yield f"automated check failed: {', '.join(failed)}"


# --- reuse ---------------------------------------------------------------------------------


def operation_unchanged(
    before: Mapping[str, Any], after: Mapping[str, Any], case: Mapping[str, Any]
) -> bool:
    """Whether `case`'s operation is the same in both template versions: the operation itself
    (steps, data collection, limits) and the definition of every parameter the test case
    exercises."""
    operation = case.get("operation")
    old_ops = {_dict(op).get("id"): op for op in _list(_dict(before.get("spec")).get("operations"))}
    new_ops = {_dict(op).get("id"): op for op in _list(_dict(after.get("spec")).get("operations"))}
    if operation not in old_ops or operation not in new_ops:
        return False
    if content_hash(old_ops[operation]) != content_hash(new_ops[operation]):
        return False
    old_params = _dict(_dict(before.get("spec")).get("parameters"))
    new_params = _dict(_dict(after.get("spec")).get("parameters"))
    names = set(exercised(after, case)) | set(operation_parameters(after).get(str(operation), ()))
    return all(
        name in old_params and content_hash(old_params[name]) == content_hash(new_params.get(name))
        for name in names
    )


def reuse_problem(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    case: Mapping[str, Any],
    source_parameters: Mapping[str, Any] | None,
) -> str | None:
    """Why the previous version's result of `case` may not be reused (None: it may). It may
    when the test case is marked `reuse`, its latest result in the previous (approved) record
    passed (`source_parameters`: the values it ran at; None without such a result), its
    operation is unchanged (`operation_unchanged`) and it ran at the values the test case
    exercises now."""
    case_id = case.get("id")
    if not case.get("reuse"):
        return f"{case_id} is not marked reuse"
    if source_parameters is None:
        return f"{case_id} has no passed result in the previous record"
    if not operation_unchanged(before, after, case):
        return (
            f"{case_id}: operation {case.get('operation')} or a parameter it exercises changed "
            "since the previous version"
        )
    for name, value in exercised(after, case).items():
        if name in source_parameters and content_hash(source_parameters[name]) != content_hash(
            value
        ):
            return (
                f"{case_id} ran at {name} = {source_parameters[name]!r} in the previous "
                f"version, the record names {value!r}"
            )
    return None
