"""Drift: plants running something other than what the ledger says."""
