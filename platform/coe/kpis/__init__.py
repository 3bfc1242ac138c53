"""KPIs defined once (FORMATS.md) and computed the same way for every site."""
