"""Authentication (bearer JWT: dev issuer or OIDC) and role/site authorization."""
