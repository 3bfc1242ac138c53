"""COE Platform central service."""
