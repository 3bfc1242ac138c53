import { describe, expect, it } from "vitest";

import { authorizationUrl } from "./oidc";
import type { OidcConfig } from "./oidc";

const config: OidcConfig = {
  issuer: "https://id.example.com/realms/acme",
  authorizationEndpoint:
    "https://id.example.com/realms/acme/auth?kc_idp_hint=corp",
  endSessionEndpoint: null,
  clientId: "coe-console",
  scope: "openid profile",
  redirectPath: "/auth/callback",
};
const request = {
  state: "st",
  challenge: "ch",
  redirectUri: "https://coe.example.com/auth/callback",
};

describe("authorizationUrl", () => {
  it("asks for a code with an S256 PKCE challenge, keeping the endpoint's own query", () => {
    const url = new URL(authorizationUrl(config, request, false));
    expect(url.origin + url.pathname).toBe(
      "https://id.example.com/realms/acme/auth",
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      kc_idp_hint: "corp",
      response_type: "code",
      client_id: "coe-console",
      redirect_uri: "https://coe.example.com/auth/callback",
      scope: "openid profile",
      state: "st",
      code_challenge: "ch",
      code_challenge_method: "S256",
    });
  });

  it("forces a fresh sign-in for a signature", () => {
    const url = new URL(authorizationUrl(config, request, true));
    expect(url.searchParams.get("prompt")).toBe("login");
    expect(url.searchParams.get("max_age")).toBe("0");
  });
});
