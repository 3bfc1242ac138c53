"""Electronic signatures: a reusable mechanism that approvals elsewhere call."""
