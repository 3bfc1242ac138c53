"""Template rollouts: waves of site deployments with gates, rollback, ledger and drift."""
