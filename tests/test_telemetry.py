"""OpenTelemetry: HTTP/GraphQL requests, SQL and Temporal calls produce spans, joined by the
request id."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from coe import telemetry
from coe.auth.principal import Role
from coe.config import Settings
from coe_workflows.audit.models import MonitorInput
from coe_workflows.audit.workflows import AuditChainMonitor
from tests.helpers import Api


@pytest.fixture
def spans(api: Api) -> Iterator[InMemorySpanExporter]:
    """Capture the spans of the process-wide provider that the app's lifespan installed."""
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    exporter.shutdown()


async def test_a_graphql_request_is_traced_end_to_end(
    api: Api, spans: InMemorySpanExporter
) -> None:
    token = api.tokens.issue(Role.EXECUTIVE)
    result = await api.gql(
        "{ sites { totalCount } }", token=token, headers={"X-Request-ID": "trace-me-42"}
    )
    result.ok()
    finished = spans.get_finished_spans()
    [http] = [s for s in finished if s.kind is SpanKind.SERVER and s.name == "POST /graphql"]
    assert http.attributes is not None
    assert http.attributes[telemetry.REQUEST_ID_ATTRIBUTE] == "trace-me-42"
    trace_id = http.context.trace_id
    in_trace = [s for s in finished if s.context.trace_id == trace_id]
    assert any(s.name == "GraphQL Query" for s in in_trace), [s.name for s in in_trace]
    assert any((s.attributes or {}).get("db.system") == "postgresql" for s in in_trace), (
        "SQL statements are traced inside the request"
    )


async def test_temporal_calls_are_traced(
    temporal_env: WorkflowEnvironment, settings: Settings, spans: InMemorySpanExporter
) -> None:
    client = await Client.connect(
        temporal_env.client.service_client.config.target_host,
        interceptors=telemetry.temporal_interceptors(),
    )
    handle = await client.start_workflow(
        AuditChainMonitor.run,
        MonitorInput(),
        id=f"trace-{uuid.uuid4()}",
        task_queue=settings.temporal_task_queue,
    )
    await handle.terminate()
    assert any(s.name == "StartWorkflow:AuditChainMonitor" for s in spans.get_finished_spans())
