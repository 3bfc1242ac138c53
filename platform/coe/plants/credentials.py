"""Per-site plant credentials, derived from one platform secret: HMAC(plant key, site).

Nothing per site has to be stored or synchronised: the platform derives a site's credential
when it calls the plant, and `coe plant-credential SITE` prints it for the plant's integration
team. Rotating the plant key rotates every credential.
"""

from __future__ import annotations

import hmac
from hashlib import sha256

from coe.config import Settings
from coe.secrets import load_or_create_secret


def plant_key(settings: Settings) -> bytes:
    if settings.plant_key is not None:
        return bytes.fromhex(settings.plant_key.get_secret_value())
    return load_or_create_secret(settings.plant_key_path)


def site_credential(key: bytes, site: str) -> str:
    return hmac.new(key, f"coe-plant:{site}".encode(), sha256).hexdigest()


def credential_matches(key: bytes, site: str, presented: str) -> bool:
    return hmac.compare_digest(site_credential(key, site), presented)
