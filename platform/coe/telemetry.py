"""All OpenTelemetry setup in one place.

Exporters follow the standard variables: OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER
(`otlp`, `console` or `none`); when unset, OTLP is used if OTEL_EXPORTER_OTLP_ENDPOINT is set and
nothing is exported otherwise (so tests and a plain `make run` stay quiet).
"""

from __future__ import annotations

import atexit
import logging
import os
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from coe.config import Settings

log = logging.getLogger("coe.telemetry")

REQUEST_ID_ATTRIBUTE = "coe.request_id"


def _choice(explicit: str | None, settings: Settings) -> str:
    if explicit:
        return explicit.split(",")[0].strip().lower()
    return "otlp" if settings.otel_exporter_otlp_endpoint else "none"


def _span_processor(settings: Settings) -> SpanProcessor | None:
    kind = _choice(settings.otel_traces_exporter, settings)
    if kind == "console":
        return SimpleSpanProcessor(ConsoleSpanExporter())
    if kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return BatchSpanProcessor(OTLPSpanExporter())
    return None


def _metric_reader(settings: Settings) -> MetricReader | None:
    kind = _choice(settings.otel_metrics_exporter, settings)
    exporter: MetricExporter
    if kind == "console":
        exporter = ConsoleMetricExporter()
    elif kind == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        exporter = OTLPMetricExporter()
    else:
        return None
    return PeriodicExportingMetricReader(exporter)


@dataclass
class Telemetry:
    """The providers of this process; `shutdown()` flushes what is buffered."""

    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    instrumented: list[Any] = field(default_factory=list)

    def shutdown(self) -> None:
        """Flush what is buffered; the providers themselves shut down at process exit (they are
        process-wide, and a process may build more than one app, as the tests do)."""
        for instrumentor in self.instrumented:
            instrumentor.uninstrument()
        self.tracer_provider.force_flush()
        self.meter_provider.force_flush()


def setup_telemetry(settings: Settings, component: str) -> Telemetry:
    """Install this process's tracer and meter providers (once per process)."""
    resource = Resource.create(
        {
            "service.name": settings.otel_service_name,
            "service.namespace": "coe",
            "service.instance.id": f"{component}-{os.getpid()}",
            "coe.component": component,
        }
    )
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        tracer_provider = current
    else:
        tracer_provider = TracerProvider(resource=resource)
        processor = _span_processor(settings)
        if processor is not None:
            tracer_provider.add_span_processor(processor)
        trace.set_tracer_provider(tracer_provider)
        atexit.register(tracer_provider.shutdown)
    current_meters = metrics.get_meter_provider()
    if isinstance(current_meters, MeterProvider):
        meter_provider = current_meters
    else:
        reader = _metric_reader(settings)
        meter_provider = MeterProvider(resource=resource, metric_readers=[reader] if reader else [])
        metrics.set_meter_provider(meter_provider)
        atexit.register(meter_provider.shutdown)
    return Telemetry(tracer_provider=tracer_provider, meter_provider=meter_provider)


def instrument_engine(telemetry: Telemetry, engine: AsyncEngine) -> None:
    """Trace every SQL statement of `engine`."""
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    instrumentor = SQLAlchemyInstrumentor()
    instrumentor.instrument(engine=engine.sync_engine, tracer_provider=telemetry.tracer_provider)
    telemetry.instrumented.append(instrumentor)


def temporal_interceptors() -> list[Any]:
    """Client/worker interceptors that trace workflow starts, workflows and activities."""
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def http_middleware() -> Any:
    """ASGI middleware tracing every HTTP request (GraphQL included)."""
    from litestar.plugins.opentelemetry import OpenTelemetryConfig

    return OpenTelemetryConfig(exclude=["/health", "/ready"]).middleware


def tag_request(request_id: str) -> None:
    """Attach the request id to the current span so traces and logs can be joined."""
    trace.get_current_span().set_attribute(REQUEST_ID_ATTRIBUTE, request_id)
