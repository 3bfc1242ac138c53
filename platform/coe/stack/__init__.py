"""The local stack `coe up` runs: embedded PostgreSQL and Temporal, worker, API, agents."""
