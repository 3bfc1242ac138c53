"""Every import arrow points one way: pure core ← repositories ← services ← GraphQL / REST / CLI
/ activities (STYLE.md, "Layout"). A new cycle or upward import fails here, with the line.

Imports that run when a module is imported count (module and class bodies, `with` and `try`
blocks); imports under `if TYPE_CHECKING:` do not. An import inside a function hides a cycle
rather than removing it, so the cycle check counts those too, except in the composition roots
(the command line defers imports to start fast).

The rule table:

| layer | rank | which modules                                                                |
|-------|------|------------------------------------------------------------------------------|
| core  | 0    | everything not listed below: `coe.models.*` (tables), pure modules, config   |
| store | 1    | `<domain>/repository.py`, `STORE` (sessions, the unit of work, audit writer) |
| logic | 2    | `<domain>/service.py`, `SERVICES`                                            |
| edge  | 3    | GraphQL (`coe.graphql.*`, `<domain>/types.py`, `queries.py`, `mutations.py`),  |
|       |      | REST (`<domain>/http.py`), `COMPOSITION` (CLI, app, stack, `coe_workflows`)  |

1. No module imports a module of a higher rank.
2. GraphQL modules are imported only by GraphQL modules and the composition roots.
3. A domain imports another domain's services or pure modules, never its `repository`.
4. Pure modules (`PURE`) and workflow definitions import no tables, sessions or services.
5. The document machinery (`coe.documents`) knows no domain; below the edges, a domain does
   not import the domains listed for it in `ABOVE` (overlays build on templates).
6. There is no import cycle.
7. Resolvers call services only: no GraphQL or REST module imports a `repository`, not even
   inside a function (DataLoaders batch through a service function too).
8. Activities call services only: no `coe_workflows` module imports a `coe.<domain>.repository`,
   not even inside a function (a workflow's record goes through its domain's service).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"coe": ROOT / "platform" / "coe", "coe_workflows": ROOT / "workflows" / "coe_workflows"}

CORE, STORE_RANK, LOGIC, EDGE = 0, 1, 2, 3
RANK_NAMES = {CORE: "core", STORE_RANK: "store", LOGIC: "logic", EDGE: "edge"}
DOMAINS = {
    "audit",
    "auth",
    "definitions",
    "kpis",
    "overlays",
    "production",
    "rollouts",
    "signatures",
    "sites",
    "templates",
    "transfers",
    "validation",
}
GRAPHQL_FILES = {"types", "queries", "mutations"}
REST_FILES = {"http"}
# Below the services: sessions, lifespan resources, the unit of work and the audit writer.
STORE = {
    "coe.db",
    "coe.resources",
    "coe.work",
    "coe.audit.writer",
    "coe.validation.evidence_repository",
}
# Service-level modules whose names do not say so.
SERVICES = {
    "coe.kpis.measurements",
    "coe.kpis.metrics",
    "coe.rollouts.ledger",
    "coe.rollouts.mirror",
    "coe.signatures.scoping",
    "coe.transfers.mirror",
    "coe.transfers.package",
    "coe.validation.coverage",
    "coe.validation.evidence",
    "coe.validation.execution",
}
# Below the edges, `domain: domains it must not import` (they build on it).
ABOVE = {"templates": {"overlays", "definitions", "rollouts", "transfers"}}
# Composition roots: they assemble every layer (app factory, command line, supervisor, demo).
COMPOSITION = {"coe.app", "coe.__main__", "coe.demo"}
COMPOSITION_PACKAGES = ("coe.cli", "coe.stack", "coe.migrations", "coe_workflows", "coe.demo")
# Pure modules: plain functions on plain data (STYLE.md rule 2).
PURE = {
    "coe.audit.chain",
    "coe.canonical",
    "coe.definitions.compose",
    "coe.documents",
    "coe.documents.fields",
    "coe.documents.loading",
    "coe.documents.structure",
    "coe.kinds",
    "coe.overlays.impact",
    "coe.overlays.validation",
    "coe.reasons",
    "coe.refusals",
    "coe.rollouts.contract",
    "coe.rollouts.plan",
    "coe.rollouts.promotion",
    "coe.rollouts.rules",
    "coe.rollouts.states",
    "coe.signatures.manifest",
    "coe.sync",
    "coe.templates.diff",
    "coe.templates.expressions",
    "coe.templates.documents",
    "coe.templates.validation",
    "coe.transfers.contract",
    "coe.transfers.proposal",
    "coe.transfers.rules",
    "coe.transfers.states",
    "coe.validation.checks",
    "coe.validation.design_space",
    "coe.validation.document",
    "coe.validation.package",
    "coe.validation.pdf",
    "coe.validation.rules",
}
IMPURE = ("coe.models", "coe.db", "coe.work", "sqlalchemy", "sqlmodel")


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line} → {self.target}"


def module_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = [package, *path.relative_to(folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    return files


def _imports(body: list[ast.stmt], deferred: bool) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements of a body; with `deferred`, those inside functions too."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _imports(node.body, deferred)
            yield from _imports(node.orelse, deferred)
        elif isinstance(node, ast.With | ast.AsyncWith | ast.ClassDef | ast.For | ast.While):
            yield from _imports(node.body, deferred)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _imports(block, deferred)
            for handler in node.handlers:
                yield from _imports(handler.body, deferred)
        elif deferred and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _imports(node.body, deferred)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def arrows(modules: dict[str, Path], *, deferred: bool = False) -> list[Arrow]:
    """Import arrows between our modules; `deferred` adds imports inside functions."""
    found: set[Arrow] = set()
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        body = ast.parse(path.read_text(), str(path)).body
        for node in _imports(body, deferred and not is_composition(name)):
            for target in _targets(node, name, is_package, modules):
                if target != name:
                    found.add(Arrow(name, target, node.lineno))
    return sorted(found, key=lambda arrow: (arrow.source, arrow.line, arrow.target))


def _targets(
    node: ast.Import | ast.ImportFrom, name: str, is_package: bool, modules: dict[str, Path]
) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from _known(alias.name, modules)
        return
    base = node.module or ""
    if node.level:
        anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
        base = ".".join([*anchor, *([base] if base else [])])
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        yield from _known(submodule if submodule in modules else base, modules)


def _known(target: str, modules: dict[str, Path]) -> Iterator[str]:
    """The module itself when it is ours, else nothing (third-party imports are no arrows)."""
    if target in modules:
        yield target


def domain(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "coe" and len(parts) > 1 and parts[1] in DOMAINS else None


def is_graphql(module: str) -> bool:
    parts = module.split(".")
    return module.startswith("coe.graphql") or (
        domain(module) is not None and len(parts) == 3 and parts[2] in GRAPHQL_FILES
    )


def is_composition(module: str) -> bool:
    return module in COMPOSITION or module.startswith(COMPOSITION_PACKAGES)


def rank(module: str) -> int:
    leaf = module.rsplit(".", 1)[-1]
    in_domain = domain(module) is not None
    if is_graphql(module) or is_composition(module) or (in_domain and leaf in REST_FILES):
        return EDGE
    if module in SERVICES or (in_domain and leaf == "service"):
        return LOGIC
    if module in STORE or (in_domain and leaf == "repository"):
        return STORE_RANK
    return CORE


WORKFLOW_MODULES = ("workflows", "deployment")  # the modules that hold @workflow.defn classes


def is_workflow_definition(module: str) -> bool:
    return module.startswith("coe_workflows") and module.rsplit(".", 1)[-1] in WORKFLOW_MODULES


def layer_violations(found: list[Arrow]) -> list[str]:
    problems: list[str] = []
    for arrow in found:
        source, target = arrow.source, arrow.target
        if rank(target) > rank(source):
            problems.append(
                f"{arrow}: upward ({RANK_NAMES[rank(source)]} imports {RANK_NAMES[rank(target)]})"
            )
        if is_graphql(target) and not (is_graphql(source) or is_composition(source)):
            problems.append(f"{arrow}: only GraphQL modules import GraphQL modules")
        if (
            domain(source) is not None
            and domain(target) not in (None, domain(source))
            and target.endswith(".repository")
        ):
            problems.append(f"{arrow}: another domain's repository (use its service)")
        if (source in PURE or is_workflow_definition(source)) and (
            target.startswith(IMPURE) or (target.startswith("coe.") and rank(target) > CORE)
        ):
            problems.append(f"{arrow}: a pure module imports tables, sessions or services")
        if source.startswith("coe.documents") and domain(target) is not None:
            problems.append(f"{arrow}: the document machinery knows no document kind")
        if rank(source) < EDGE and domain(target) in ABOVE.get(domain(source) or "", ()):
            problems.append(f"{arrow}: {domain(source)} is below {domain(target)}")
    return problems


def is_rest(module: str) -> bool:
    return domain(module) is not None and module.rsplit(".", 1)[-1] in REST_FILES


def edge_repository_imports(found: list[Arrow]) -> list[str]:
    """GraphQL and REST modules that reach a repository past its service (rule 7)."""
    return [
        f"{arrow}: a resolver calls its domain's service, never a repository"
        for arrow in found
        if (is_graphql(arrow.source) or is_rest(arrow.source))
        and arrow.target.endswith(".repository")
    ]


def cycles(found: list[Arrow]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for arrow in found:
        graph.setdefault(arrow.source, set()).add(arrow.target)
        graph.setdefault(arrow.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_import_cycle() -> None:
    assert cycles(arrows(module_files(), deferred=True)) == []


def test_every_arrow_points_down() -> None:
    assert layer_violations(arrows(module_files())) == []


def test_the_checks_see_a_cycle_and_an_upward_import() -> None:
    """The checks themselves: a planted cycle and planted wrong arrows are reported."""
    planted = [
        Arrow("coe.rollouts.plan", "coe.templates.validation", 1),
        Arrow("coe.templates.validation", "coe.rollouts.plan", 1),
        Arrow("coe.production.http", "coe.graphql.context", 1),
        Arrow("coe.work", "coe.audit.service", 1),
        Arrow("coe.transfers.service", "coe.sites.repository", 1),
        Arrow("coe.signatures.manifest", "coe.models.signature", 1),
        Arrow("coe.templates.impact", "coe.overlays.validation", 1),
        Arrow("coe.documents.structure", "coe.templates.documents", 1),
    ]
    assert cycles(planted) == [["coe.rollouts.plan", "coe.templates.validation"]]
    reported = layer_violations(planted)
    assert sorted({problem.split(":")[0] for problem in reported}) == [
        "coe.documents.structure",
        "coe.production.http",
        "coe.signatures.manifest",
        "coe.templates.impact",
        "coe.templates.validation",
        "coe.transfers.service",
        "coe.work",
    ]


def test_resolvers_call_services_only() -> None:
    assert edge_repository_imports(arrows(module_files(), deferred=True)) == []


def test_the_check_sees_a_resolver_reaching_a_repository() -> None:
    """The rule-7 check itself: resolvers, types, DataLoaders and REST handlers that import a
    repository are reported (as `rollouts/queries.py` did); a service that does is not."""
    planted = [
        Arrow("coe.rollouts.queries", "coe.rollouts.repository", 1),
        Arrow("coe.sites.types", "coe.sites.repository", 1),
        Arrow("coe.graphql.loaders", "coe.signatures.repository", 1),
        Arrow("coe.production.http", "coe.production.repository", 1),
        Arrow("coe.rollouts.service", "coe.rollouts.repository", 1),
        Arrow("coe.templates.queries", "coe.templates.service", 1),
    ]
    assert [problem.split(":")[0] for problem in edge_repository_imports(planted)] == [
        "coe.rollouts.queries",
        "coe.sites.types",
        "coe.graphql.loaders",
        "coe.production.http",
    ]


def activity_repository_imports(found: list[Arrow]) -> list[str]:
    """Workflow modules (activities above all) that reach a repository past its service
    (rule 8)."""
    return [
        f"{arrow}: an activity calls its domain's service, never a repository"
        for arrow in found
        if arrow.source.startswith("coe_workflows") and arrow.target.endswith(".repository")
    ]


def test_activities_call_services_only() -> None:
    assert activity_repository_imports(arrows(module_files(), deferred=True)) == []


def test_the_check_sees_an_activity_reaching_a_repository() -> None:
    """The rule-8 check itself: activities that import a repository are reported (as the
    rollout, transfer and drift activities did); a service or the unit of work is not."""
    planted = [
        Arrow("coe_workflows.rollout.activities", "coe.rollouts.repository", 1),
        Arrow("coe_workflows.transfer.activities", "coe.overlays.repository", 1),
        Arrow("coe_workflows.drift.activities", "coe.sites.repository", 1),
        Arrow("coe_workflows.rollout.activities", "coe.rollouts.mirror", 1),
        Arrow("coe_workflows.transfer.activities", "coe.work", 1),
        Arrow("coe.rollouts.mirror", "coe.rollouts.repository", 1),
    ]
    assert [problem.split(":")[0] for problem in activity_repository_imports(planted)] == [
        "coe_workflows.rollout.activities",
        "coe_workflows.transfer.activities",
        "coe_workflows.drift.activities",
    ]
