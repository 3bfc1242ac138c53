"""Effective definitions: template version ⊕ site overlay, what each plant runs."""
