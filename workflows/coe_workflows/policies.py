"""Every activity's timeout and retry policy, in one place. Each policy is bounded: an
activity that keeps failing ends as a failure the workflow sees (and says why), never as an
attempt counter that grows forever behind a waiting request. Failures that cannot pass on a
retry (a plant's refusal, data the database refuses) are non-retryable and end at once."""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy

from coe.rollouts.contract import Timings

# Mirroring state into PostgreSQL, auditing, measuring: about 20 minutes of a database that
# does not answer (30 s between attempts at most), then the workflow is told.
RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_ATTEMPTS = 40
RECORD_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30), maximum_attempts=RECORD_ATTEMPTS)

# Composing a site's definition (reads the registry and the overlays).
PREPARE_TIMEOUT = timedelta(minutes=2)

# Verifying the audit chain: a failed check is retried a few times; the monitor tries again at
# its next interval either way.
VERIFY_CHAIN_TIMEOUT = timedelta(minutes=10)
VERIFY_CHAIN_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5), maximum_attempts=5)

# The drift check runs on a schedule: the next run is the real retry.
DRIFT_TIMEOUT = timedelta(minutes=10)
DRIFT_HEARTBEAT = timedelta(minutes=2)
DRIFT_RETRY = RetryPolicy(maximum_attempts=3)

PLANT_NON_RETRYABLE = ["PlantRefused", "DefinitionChanged"]


def plant_retry(timings: Timings) -> RetryPolicy:
    """Transient plant errors back off up to the configured attempts (at least one: Temporal
    reads 0 as "unlimited"); refusals end at once."""
    return RetryPolicy(
        initial_interval=timedelta(seconds=timings.retry_initial_seconds),
        maximum_interval=timedelta(seconds=timings.retry_maximum_seconds),
        backoff_coefficient=2.0,
        maximum_attempts=max(1, timings.retry_attempts),
        non_retryable_error_types=PLANT_NON_RETRYABLE,
    )


def plant_timeout(timings: Timings) -> timedelta:
    """A plant call's own timeout plus a margin for the activity around it."""
    return timedelta(seconds=timings.plant_timeout_seconds + 5)
