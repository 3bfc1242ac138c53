"""Audit trail: who changed what, when and why; append-only and hash-chained."""
