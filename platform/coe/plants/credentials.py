"""Per-site plant credentials, derived from one platform secret: HMAC(plant key, site).

Nothing per site has to be stored or synchronised: the platform derives a site's credential
when it calls the plant, and `coe plant-credential SITE` prints it for the plant's integration
team. Rotating the plant key rotates every credential.
"""

from __future__ import annotations

import hmac
from hashlib import sha256

from coe.config import Settings
from coe.secrets import secret_from


def plant_key(settings: Settings) -> bytes:
    value = settings.plant_key.get_secret_value() if settings.plant_key else None
    return secret_from(settings, value, settings.plant_key_path)


def site_credential(key: bytes, site: str) -> str:
    return hmac.new(key, f"coe-plant:{site}".encode(), sha256).hexdigest()


def credential_matches(expected: str, presented: str) -> bool:
    """Compared in constant time, so how long a refusal takes says nothing of how much of a
    guessed credential was right."""
    return hmac.compare_digest(expected.encode(), presented.encode())
