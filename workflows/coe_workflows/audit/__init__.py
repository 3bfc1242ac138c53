"""Continuous verification of the audit chain, anchored in Temporal's history."""
