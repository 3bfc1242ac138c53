"""docs/formats/ cannot drift from the code: the field references are what the generator makes
of the JSON Schemas now, every example is checked by the real validators (the refused ones with
the very lines the docs print), the production event schema says what the ingest accepts, and
every KPI the code knows is defined."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from jsonschema import Draft202012Validator

from coe.auth.principal import Role
from coe.documents import load_mapping
from coe.documents.reference import (
    field_rows,
    fields_markdown,
    rewrite_sections,
    section_names,
)
from coe.kinds import reference_sections, schema_files
from coe.kpis.service import Metric
from coe.kpis.stats import difference, percentile_cont, wilson
from coe.overlays.files import validate_overlays
from coe.production import format as event_format
from coe.production.events import (
    DISPOSITIONS,
    MAX_INT4,
    OUTCOMES,
    REFUSAL_CODES,
    TYPES,
    ReasonTrees,
    check_batch,
    parse_batch,
)
from coe.rollouts.plan import plan_violations
from coe.templates.documents import Kpi
from coe.templates.files import LoadedTemplate, validate_templates
from coe.templates.validation import reason_codes
from coe.validation.files import validate_records
from tests.helpers import Api

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "formats"
PAGES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(r"^```([a-z]*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
# `FILE:POINTER: reason` (the file is optional), or `index N: reason` for events.
VIOLATION_LINE = re.compile(r"^(?:[^\s:]+:)?(/[^:\s]*|): (.+)$")
PLANT_SITE = "penang"  # the examples' events come from Penang's plant token


@dataclass(frozen=True)
class Block:
    page: str
    language: str
    body: str
    answer: Block | None  # the block after it, when it is the expected output

    def __str__(self) -> str:
        return f"{self.page}: {self.language} block {self.body[:60]!r}…"


def blocks(page: Path) -> list[Block]:
    """The page's code blocks; a `text` block (or an ingest answer) right after an example is
    what the platform answers to it."""
    found = [(m.group(1), m.group(2)) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]
    result = []
    for index, (language, body) in enumerate(found):
        following = found[index + 1] if index + 1 < len(found) else None
        answer = None
        if following and (following[0] == "text" or _is_answer(following)):
            answer = Block(page.name, following[0], following[1], None)
        result.append(Block(page.name, language, body, answer))
    return result


def _is_answer(block: tuple[str, str]) -> bool:
    """An ingest answer (`{"accepted": …}`), as opposed to events."""
    return block[0] == "json" and block[1].lstrip().startswith('{"accepted"')


def all_blocks() -> list[Block]:
    return [block for page in PAGES for block in blocks(page)]


def documents(kind: str) -> list[Block]:
    """The YAML examples of one kind, valid and refused."""
    return [
        block
        for block in all_blocks()
        if block.language == "yaml" and (yaml.safe_load(block.body) or {}).get("kind") == kind
    ]


def expected_violations(block: Block) -> list[tuple[str, str]]:
    """(pointer, reason) of each line of the answer printed after a refused example."""
    if block.answer is None:
        return []
    lines = [line for line in block.answer.body.splitlines() if line.strip()]
    pairs = []
    for line in lines:
        match = VIOLATION_LINE.match(line.strip())
        assert match, f"{block}: {line!r} is not FILE:POINTER: reason"
        pairs.append((match.group(1), match.group(2)))
    return pairs


def write(block: Block, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(block.body, encoding="utf-8")
    return path


def template_examples(tmp_path: Path) -> list[LoadedTemplate]:
    valid = [block for block in documents("ProcessTemplate") if block.answer is None]
    paths = [write(block, tmp_path / "templates", f"t{i}.yaml") for i, block in enumerate(valid)]
    report, templates = validate_templates(paths)
    assert report.violations == []
    return templates


# --- (a) the generated sections are current --------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_generated_field_references_are_current(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert rewrite_sections(text, reference_sections()) == text, (
        f"the generated field reference in docs/formats/{page.name} is stale: run `make schema`"
    )


def test_every_format_has_a_page_with_its_field_reference() -> None:
    documented = [name for page in PAGES for name in section_names(page.read_text())]
    assert sorted(documented) == sorted(reference_sections())
    assert sorted(reference_sections()) == sorted(
        name.removesuffix(".schema.json") for name in schema_files()
    )


def test_the_index_links_every_page_and_every_link_resolves() -> None:
    index = (DOCS / "README.md").read_text()
    for page in PAGES:
        if page.name != "README.md":
            assert f"]({page.name})" in index, f"docs/formats/README.md does not link {page.name}"
    for page in PAGES:
        text = page.read_text()
        assert "../shared" not in text, page.name
        assert "FORMATS.md" not in text, page.name
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if "://" not in target:
                assert (page.parent / target).resolve().exists(), f"{page.name}: {target}"


def test_a_section_with_an_unknown_name_or_without_its_end_is_refused() -> None:
    sections = {"known": "| table |"}
    with pytest.raises(ValueError, match="unknown generated section 'typo'"):
        rewrite_sections("<!-- generated: fields typo -->\n<!-- end generated -->\n", sections)
    with pytest.raises(ValueError, match="has no"):
        rewrite_sections("<!-- generated: fields known -->\nold\n", sections)
    rewritten = rewrite_sections(
        "before\n<!-- generated: fields known -->\nold\n<!-- end generated -->\nafter\n", sections
    )
    assert rewritten == (
        "before\n<!-- generated: fields known -->\n| table |\n<!-- end generated -->\nafter\n"
    )


def test_the_generator_names_every_field_with_its_pointer_type_and_rules() -> None:
    schema = json.loads((ROOT / "schemas" / "process-template.schema.json").read_text())
    rows = {row.pointer: row for row in field_rows(schema)}
    kind = rows["/spec/operations/*/kind"]
    assert (kind.type, kind.required) == ("string", True)
    assert "lowercase" in kind.constraints
    assert rows["/spec/parameters/{name}/siteConfigurable"].constraints == "default `false`"
    assert rows["/spec/kpis"].type == "list of strings"
    assert "nests" in rows["/spec/reasonCodes/scrap/*/children"].constraints  # no endless loop
    assert "`/spec/extensionPoints/*/maxSteps` | integer | yes | ≥ 1 |" in fields_markdown(schema)


# --- (b) every example is checked by the real validators -------------------------------------


def test_the_pages_have_examples_of_every_kind_valid_and_refused() -> None:
    for kind in ("ProcessTemplate", "SiteOverlay", "RolloutPlan", "ValidationRecord"):
        examples = documents(kind)
        assert any(b.answer is None for b in examples), f"no valid {kind} example"
        assert any(b.answer is not None for b in examples), f"no refused {kind} example"


@pytest.mark.parametrize("block", documents("ProcessTemplate"), ids=str)
def test_template_examples_are_judged_as_documented(block: Block, tmp_path: Path) -> None:
    report, _ = validate_templates([write(block, tmp_path, "example.yaml")])
    found = [(v.pointer, v.reason) for v in report.violations]
    assert found == expected_violations(block)


@pytest.mark.parametrize("block", documents("SiteOverlay"), ids=str)
def test_overlay_examples_are_judged_as_documented(block: Block, tmp_path: Path) -> None:
    templates = template_examples(tmp_path)
    report = validate_overlays([write(block, tmp_path, "overlay.yaml")], templates)
    found = [(v.pointer, v.reason) for v in report.violations]
    assert found == expected_violations(block)
    page = (DOCS / block.page).read_text()
    for note in report.notes:  # a migration the page promises is the one the validator notes
        assert note.split(": ", 1)[1] in page, note


@pytest.mark.parametrize("block", documents("RolloutPlan"), ids=str)
def test_rollout_plan_examples_are_judged_as_documented(block: Block) -> None:
    found = [(v.pointer, v.reason) for v in plan_violations(load_mapping(block.body))]
    assert found == expected_violations(block)


@pytest.mark.parametrize("block", documents("ValidationRecord"), ids=str)
def test_validation_record_examples_are_judged_as_documented(block: Block, tmp_path: Path) -> None:
    templates = template_examples(tmp_path)
    report, _ = validate_records([write(block, tmp_path, "record.yaml")], templates)
    found = [(v.pointer, v.reason) for v in report.violations]
    assert found == expected_violations(block)


async def test_a_gate_of_two_kinds_is_refused_by_the_api_with_its_pointer(api: Api) -> None:
    """It used to escape plan_violations as a pydantic error: an internal error, no pointer."""
    [refused] = [b for b in documents("RolloutPlan") if "soak: 24h\n          approval" in b.body]
    result = await api.as_role(
        Role.COE_ARCHITECT,
        "query($p: String!) { checkRolloutPlan(plan: $p) { template } }",
        {"p": refused.body},
    )
    assert result.codes == ["VALIDATION_FAILED"]
    [(pointer, reason)] = expected_violations(refused)
    assert result.violations == [{"path": pointer, "reason": reason, "severity": "ERROR"}]


def test_yaml_blocks_are_valid_yaml_and_every_kind_is_checked() -> None:
    checked = {"ProcessTemplate", "SiteOverlay", "RolloutPlan", "ValidationRecord"}  # above
    for block in all_blocks():
        if block.language == "yaml":
            document = yaml.safe_load(block.body)
            assert isinstance(document, dict), block
            assert document.get("kind", "ProcessTemplate") in checked, (
                f"{block}: no test checks examples of kind {document['kind']!r}: add one here"
            )


def event_blocks() -> list[Block]:
    return [
        block
        for block in all_blocks()
        if block.language in ("json", "ndjson") and not _is_answer((block.language, block.body))
    ]


def example_trees(tmp_path: Path) -> dict[tuple[str, str], ReasonTrees]:
    """The reason trees of the template examples, as the ingest builds them."""
    trees = {}
    for template in template_examples(tmp_path):
        codes = reason_codes(template.document["spec"])
        metadata = template.document["metadata"]
        trees[(metadata["key"], metadata["version"])] = ReasonTrees(
            downtime=frozenset(codes.get("downtime", ())),
            scrap=frozenset(codes.get("scrap", ())),
            rework=frozenset(codes.get("rework", ())),
        )
    return trees


def moment_of(body: str) -> datetime:
    """An hour after the latest event of the example: the examples hold on any day."""
    stamps = re.findall(r'"occurredAt": "([^"]+)"', body)
    moments = []
    for stamp in stamps:
        try:
            moment = datetime.fromisoformat(stamp)
        except ValueError:
            continue
        if moment.tzinfo is not None:  # the refused examples hold timestamps without one
            moments.append(moment)
    return max(moments).astimezone(UTC) + timedelta(hours=1)


@pytest.mark.parametrize("block", event_blocks(), ids=str)
def test_production_event_examples_are_judged_as_documented(block: Block, tmp_path: Path) -> None:
    events = parse_batch(block.body.encode(), 1000, json_array=block.language == "json")
    checked = check_batch(
        events, frozenset({PLANT_SITE}), example_trees(tmp_path), moment_of(block.body)
    )
    if block.answer is not None:  # the API's answer, as the page prints it
        answer = json.loads(block.answer.body)
        assert answer["errors"] == checked.rejected
        assert (answer["accepted"], answer["rejected"]) == (
            len(checked.rows),
            len(checked.rejected),
        )
    if checked.rejected:
        assert block.answer is not None, f"{block}: refused events need the answer printed after"
        return
    validator = Draft202012Validator(
        json.loads((ROOT / "schemas" / "production-event.schema.json").read_text())
    )
    for _, event in events:
        assert list(validator.iter_errors(event)) == [], event


def test_the_pages_have_examples_of_accepted_and_refused_events() -> None:
    answers = [json.loads(b.answer.body) for b in event_blocks() if b.answer is not None]
    assert any(answer["rejected"] == 0 for answer in answers)
    assert any(answer["rejected"] > 0 for answer in answers)


def test_every_refusal_code_of_the_ingest_is_documented() -> None:
    text = (DOCS / "production-events.md").read_text()
    for code in REFUSAL_CODES:
        assert f"`{code}`" in text, f"docs/formats/production-events.md does not explain {code}"


# --- (b) the production event schema says what the ingest accepts ----------------------------


def test_the_event_models_use_the_ingests_own_values() -> None:
    assert get_args(event_format.Outcome) == OUTCOMES
    assert get_args(event_format.Disposition) == DISPOSITIONS
    kinds = tuple(
        get_args(model.model_fields["type"].annotation)[0] for model in event_format.EVENT_TYPES
    )
    assert kinds == TYPES


def _base_events() -> list[dict[str, Any]]:
    [example] = [  # the accepted batch
        block
        for block in event_blocks()
        if block.answer is not None and json.loads(block.answer.body)["rejected"] == 0
    ]
    events: list[dict[str, Any]] = json.loads(example.body)
    assert {event["type"] for event in events} == set(TYPES)
    return events


def _mutations(event: dict[str, Any], variant: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(description, mutated event): each field left out, of the wrong type, empty, blank,
    too long, out of range, not one of its values; plus a member the format does not have."""
    missing = object()
    for name, field in variant["properties"].items():
        values: list[Any] = [missing, None, True, {"nested": 1}]
        if field.get("type") == "string":
            values += [12345]
            if name != "reasonCode":  # which codes are allowed is the template's (context)
                values += ["", "   "]
            if "maxLength" in field:
                values.append("x" * (field["maxLength"] + 1))
            if name == "occurredAt":
                values += ["2026-11-30 08:16:02+08:00", "2026-11-30T08:16:02", "yesterday"]
            if "enum" in field or "const" in field:
                values.append("something-else")
        if field.get("type") in ("integer", "number"):
            values += ["12", -1, -0.5]
        if field.get("type") == "integer":
            values += [1.5, MAX_INT4 + 1]
        for value in values:
            mutated = copy.deepcopy(event)
            if value is missing:
                mutated.pop(name, None)
            else:
                mutated[name] = value
            yield f"{name}={'<missing>' if value is missing else repr(value)[:20]}", mutated
    yield "an extra member", {**event, "note": "a member the format does not name"}
    if event["type"] == "unit.completed":
        yield "outcome right_first_time", {**event, "outcome": "right_first_time"}
        yield "reworkCount 1", {**event, "reworkCount": 1}
        yield (
            "outcome reworked without reasonCode",
            {
                **{k: v for k, v in event.items() if k != "reasonCode"},
                "outcome": "reworked",
            },
        )


def test_the_event_schema_accepts_exactly_what_the_ingest_accepts(tmp_path: Path) -> None:
    schema = json.loads((ROOT / "schemas" / "production-event.schema.json").read_text())
    validator = Draft202012Validator(schema)
    trees = example_trees(tmp_path)
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    disagreements, compared = [], 0
    for event in _base_events():
        [variant] = [
            definition
            for definition in schema["$defs"].values()
            if definition["properties"]["type"].get("const") == event["type"]
        ]
        for what, mutated in _mutations(event, variant):
            body = json.dumps([mutated]).encode()
            accepted = bool(check_batch(parse_batch(body, 10), None, trees, now).rows)
            valid = validator.is_valid(mutated)
            compared += 1
            if accepted != valid:
                disagreements.append(
                    f"{event['type']} {what}: ingest {'accepts' if accepted else 'refuses'}, "
                    f"schema {'accepts' if valid else 'refuses'}"
                )
    assert compared > 200
    assert disagreements == [], "\n".join(disagreements)


# --- (c) every KPI the code knows is defined --------------------------------------------------


def test_every_kpi_the_code_knows_is_defined_in_kpis_md() -> None:
    text = (DOCS / "kpis.md").read_text()
    for value in [*(metric.value for metric in Metric), *(kpi.value for kpi in Kpi)]:
        assert f"`{value}`" in text, f"docs/formats/kpis.md does not define {value}"


def _percent(value: float | None) -> str:
    assert value is not None
    return f"{value * 100:.2f} %"


def test_the_worked_kpi_examples_are_what_the_code_computes() -> None:
    text = " ".join((DOCS / "kpis.md").read_text().split())
    small, pilot = wilson(3, 3), wilson(455, 480)
    assert f"3 of 3 units right first time is 100 % [{_percent(small.low)}, 100 %]" in text
    assert f"455 of 480 is {_percent(pilot.value)} [{_percent(pilot.low)}," in text
    before = wilson(1410, 1500)
    change = difference(pilot, before)
    assert f"(94.00 % [{_percent(before.low)}, {_percent(before.high)}])" in text
    assert change.value is not None
    assert change.low is not None
    assert change.high is not None
    assert f"+{change.value * 100:.2f} points" in text
    assert f"[\u2212{-change.low * 100:.2f} %, +{change.high * 100:.2f} %]" in text
    hours = [20.5, 26.0, 31.0, 44.5, 70.0]
    assert percentile_cont(hours, 0.5) == 31.0
    assert f"90th percentile {round(percentile_cont(hours, 0.9) or 0, 1)} h" in text
