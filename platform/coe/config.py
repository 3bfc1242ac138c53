"""One typed settings object, read from the environment once and passed down."""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of the platform. README.md lists each variable and its default."""

    model_config = SettingsConfigDict(env_prefix="COE_", extra="ignore", frozen=True)

    env: Environment = Environment.DEVELOPMENT
    home: Path = Field(default=Path(".coe"), description="State folder of the embedded servers")
    # Where `coe up` finds the demo content (templates/, site_overlays/) on the first start;
    # unset: the source checkout's, when running from one (`coe.demo.seed.content_root`).
    demo_content_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    api_workers: int = Field(default=1, ge=1)  # API processes (needs DATABASE_URL when > 1)
    log_level: str = "INFO"

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "COE_DATABASE_URL")
    )
    db_pool_size: int = 10
    # The worker's database pool is sized from this (`worker_db_pool_size`): every activity
    # running at once can hold a connection, so none waits on the pool and times out.
    worker_max_concurrent_activities: int = Field(default=16, ge=1)

    temporal_address: str | None = Field(
        default=None, validation_alias=AliasChoices("TEMPORAL_ADDRESS", "COE_TEMPORAL_ADDRESS")
    )
    temporal_namespace: str = Field(
        default="default",
        validation_alias=AliasChoices("TEMPORAL_NAMESPACE", "COE_TEMPORAL_NAMESPACE"),
    )
    temporal_task_queue: str = "coe"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    temporal_ui_url: str | None = None

    # Authentication. The dev issuer signs tokens with a key kept under COE_HOME;
    # OIDC verifies tokens of an external identity provider against its JWKS.
    dev_issuer_enabled: bool | None = None
    dev_signing_key_file: Path | None = None
    oidc_issuer: str | None = None
    oidc_audience: str = "coe"
    oidc_jwks_url: str | None = None
    oidc_roles_claim: str = "coe_roles"
    oidc_sites_claim: str = "coe_sites"
    oidc_name_claim: str = "name"
    # The console's OAuth client at the identity provider (Authorization Code + PKCE, a public
    # client: no secret). Unset: the console offers no identity-provider sign-in.
    oidc_client_id: str | None = None
    oidc_scope: str = "openid profile"
    reauth_max_age_seconds: int = 300
    signing_max_failures: int = Field(
        default=5,
        ge=1,
        description="Consecutive failed e-signature attempts that lock a user id's signing",
    )
    signing_lockout_minutes: float = Field(
        default=30.0,
        ge=0,
        description="How long a signing lock lasts; 0 = until a coe_architect unlocks it",
    )
    token_leeway_seconds: int = 30
    sign_in_token_minutes: float = Field(
        default=15.0,
        gt=0,
        description="Lifetime of a token from the development sign-in (POST /api/v1/auth/sign-in)",
    )

    # GraphQL and HTTP hardening.
    graphql_max_depth: int = 10
    graphql_max_tokens: int = 2000
    graphql_max_aliases: int = 15
    max_page_size: int = 100
    max_body_bytes: int = 1_048_576

    # Key of the audit trail's HMAC chain: COE_AUDIT_KEY (hex), else a file under COE_HOME.
    audit_key: SecretStr | None = None
    audit_key_file: Path | None = None
    # Where audit-chain anchors are kept outside the database: `file:PATH` (append-only JSON
    # lines); unset, `$COE_HOME/audit-anchors.jsonl`. Production points it at WORM storage.
    audit_anchor_sink: str | None = None

    # Key from which every site's plant credential is derived: COE_PLANT_KEY (hex), else a file.
    plant_key: SecretStr | None = None
    plant_key_file: Path | None = None
    plant_timeout_seconds: float = 10.0
    rollout_retry_initial_seconds: float = 1.0
    rollout_retry_maximum_seconds: float = 60.0
    rollout_retry_attempts: int = 6
    rollout_verify_attempts: int = 3
    rollout_verify_interval_seconds: float = 2.0
    rollout_kpi_guard_poll_seconds: float = 300.0  # how often a kpiGuard looks at the KPIs
    transfer_poll_seconds: float = 300.0  # how often a qualifying transfer looks at the KPIs
    plant_agent_port: int = 9100
    drift_check_interval_seconds: int = 300

    # Production events.
    ingest_max_body_bytes: int = 16 * 1024 * 1024
    ingest_max_inflated_bytes: int = 64 * 1024 * 1024
    ingest_max_events: int = 50_000
    ingest_max_age_days: int = 400  # older events are refused (no partition before this horizon)
    kpi_metrics_interval_seconds: float = 60.0

    audit_check_interval_seconds: int = 3600

    otel_service_name: str = Field(
        default="coe-platform", validation_alias=AliasChoices("OTEL_SERVICE_NAME")
    )
    otel_traces_exporter: str | None = Field(
        default=None, validation_alias=AliasChoices("OTEL_TRACES_EXPORTER")
    )
    otel_metrics_exporter: str | None = Field(
        default=None, validation_alias=AliasChoices("OTEL_METRICS_EXPORTER")
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @cached_property
    def state_dir(self) -> Path:
        return self.home.resolve()

    @property
    def worker_db_pool_size(self) -> int:
        """One connection per activity the worker runs at once."""
        return self.worker_max_concurrent_activities

    @property
    def embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def embedded_temporal(self) -> bool:
        return self.temporal_address is None

    @property
    def pgdata(self) -> Path:
        return self.state_dir / "pgdata"

    @property
    def temporal_target(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def temporal_web_url(self) -> str:
        return self.temporal_ui_url or f"http://127.0.0.1:{self.temporal_ui_port}"

    def workflow_url(self, workflow_id: str) -> str:
        """A workflow's page in the Temporal UI."""
        namespace = self.temporal_namespace
        return f"{self.temporal_web_url}/namespaces/{namespace}/workflows/{workflow_id}"

    @property
    def dev_issuer(self) -> bool:
        if self.dev_issuer_enabled is not None:
            return self.dev_issuer_enabled
        return not self.is_production

    @property
    def signing_key_path(self) -> Path:
        return self.dev_signing_key_file or self.state_dir / "dev-signing-key.pem"

    @property
    def plant_key_path(self) -> Path:
        return self.plant_key_file or self.state_dir / "plant-key"

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.state_dir / "audit-key"

    def production_problems(self) -> list[str]:
        """What production needs and is missing: each one named, with the variable to set."""
        if not self.is_production:
            return []
        problems = []
        if not self.database_url:
            problems.append("DATABASE_URL is not set (no embedded PostgreSQL in production)")
        if not self.temporal_address:
            problems.append("TEMPORAL_ADDRESS is not set (no embedded Temporal in production)")
        problems += _secret_problems(
            "audit key", "COE_AUDIT_KEY", self.audit_key, self.audit_key_file
        )
        problems += _secret_problems(
            "plant key", "COE_PLANT_KEY", self.plant_key, self.plant_key_file
        )
        if not self.audit_anchor_sink:
            problems.append(
                "COE_AUDIT_ANCHOR_SINK is not set (audit anchors must be kept outside the "
                "database, e.g. file:/mnt/worm/coe-audit-anchors.jsonl on append-only storage)"
            )
        return problems


class ProductionConfigError(RuntimeError):
    """Production settings are incomplete; the message lists every missing one."""


def check_production(settings: Settings) -> None:
    """Refuse to start in production without an external database, Temporal and shared keys."""
    problems = settings.production_problems()
    if problems:
        raise ProductionConfigError("COE_ENV=production cannot start: " + "; ".join(problems))


def _secret_problems(
    name: str, variable: str, value: SecretStr | None, file: Path | None
) -> list[str]:
    """In production a key is given, never created: replicas must share it."""
    if value is not None:
        try:
            bytes.fromhex(value.get_secret_value())
        except ValueError:
            return [f"{variable} is not hex"]
        return []
    if file is None:
        return [f"the {name} is missing: set {variable} (hex) or {variable}_FILE"]
    if not file.is_file() or not file.read_text().strip():
        return [f"the {name} is missing: {variable}_FILE {file} does not exist or is empty"]
    return []


def load_settings() -> Settings:
    """Read the environment once; callers pass the result down."""
    return Settings()
