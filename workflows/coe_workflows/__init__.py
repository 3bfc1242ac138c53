"""Temporal workflows of the COE Platform."""
