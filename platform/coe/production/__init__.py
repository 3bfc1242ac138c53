"""Production telemetry: plant events ingested at line rate, rolled up for the KPIs."""
