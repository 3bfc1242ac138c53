"""The environments a site's plant instances run in (a leaf module: the models, the rollout
contract and the workflows all name them)."""

from __future__ import annotations

PRODUCTION = "production"
VALIDATION = "validation"
# An enterprise promotes template versions through these, in order; production is the last.
DEFAULT_ENVIRONMENTS: tuple[str, ...] = (VALIDATION, PRODUCTION)
