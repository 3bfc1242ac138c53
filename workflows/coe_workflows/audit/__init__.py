"""Continuous verification of the audit chain, anchored outside the database."""
