// Sign-in at the identity provider: OpenID Connect Authorization Code with PKCE (RFC 7636,
// S256), the API redeeming the code (POST /api/v1/auth/oidc/token, platform/coe/auth/oidc.py)
// so this page talks to its own origin only. Between the redirect to the provider and the
// callback, sessionStorage holds the PKCE verifier, the state and where to return — never a
// token — and the callback removes them. oauth4webapi makes the verifier and checks the
// provider's answer.
//
// An e-signature signs the person in again (Part 11 §11.200): a popup window runs the same
// flow with `prompt=login` and `max_age=0` and hands the fresh token to the page that opened
// it, which sends it with the signature as `reauthToken`.
import {
  AuthorizationResponseError,
  calculatePKCECodeChallenge,
  generateRandomCodeVerifier,
  generateRandomState,
  validateAuthResponse,
} from "oauth4webapi";

import { paths } from "../config/paths";
import { SignInError, readSignIn } from "./session";
import type { Session } from "./session";

export interface OidcConfig {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly endSessionEndpoint: string | null;
  readonly clientId: string;
  readonly scope: string;
  readonly redirectPath: string;
}

/** How this installation signs in (GET /api/v1/auth/config). */
export interface AuthConfig {
  readonly devSignIn: boolean;
  readonly oidc: OidcConfig | null;
}

export async function fetchAuthConfig(): Promise<AuthConfig> {
  const response = await fetch(paths.authConfig, {
    headers: { Accept: "application/json" },
  });
  const body = (await response.json().catch(() => ({}))) as Record<
    string,
    unknown
  >;
  if (!response.ok) {
    throw new SignInError(
      typeof body.error === "string" ? body.error : `HTTP_${response.status}`,
      typeof body.message === "string"
        ? body.message
        : `HTTP ${response.status}`,
      response.status,
    );
  }
  return body as unknown as AuthConfig;
}

/** The window name of the re-authentication popup, and the message it sends back. */
export const REAUTH_WINDOW = "coe-reauth";
export const REAUTH_MESSAGE = "coe-oidc-reauth";

const PENDING = "coe.oidc.pending";

interface Pending {
  readonly state: string;
  readonly verifier: string;
  /** Where to go after the callback (sign-in), or "reauth" for the signing popup. */
  readonly next: string;
  readonly purpose: "sign-in" | "reauth";
}

function redirectUri(config: OidcConfig): string {
  return `${window.location.origin}${config.redirectPath}`;
}

/** The authorization request's URL (RFC 6749 §4.1.1 with RFC 7636 §4.3). */
export function authorizationUrl(
  config: OidcConfig,
  request: {
    readonly state: string;
    readonly challenge: string;
    readonly redirectUri: string;
  },
  fresh: boolean,
): string {
  const url = new URL(config.authorizationEndpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("redirect_uri", request.redirectUri);
  url.searchParams.set("scope", config.scope);
  url.searchParams.set("state", request.state);
  url.searchParams.set("code_challenge", request.challenge);
  url.searchParams.set("code_challenge_method", "S256");
  if (fresh) {
    // A signature needs the person to prove who they are now: no single sign-on reused.
    url.searchParams.set("prompt", "login");
    url.searchParams.set("max_age", "0");
  }
  return url.toString();
}

/** Go to the provider; it comes back to /auth/callback (see `completeSignIn`). */
export async function startSignIn(
  config: OidcConfig,
  next: string,
  purpose: Pending["purpose"] = "sign-in",
): Promise<void> {
  const verifier = generateRandomCodeVerifier();
  const state = generateRandomState();
  const challenge = await calculatePKCECodeChallenge(verifier);
  const pending: Pending = { state, verifier, next, purpose };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = authorizationUrl(
    config,
    { state, challenge, redirectUri: redirectUri(config) },
    purpose === "reauth",
  );
  window.location.assign(url);
}

/**
 * The callback: check the provider's answer against the pending request, redeem the code
 * through the API, and answer the session with where to go (or, in the signing popup, the
 * fresh session to hand back).
 */
export async function completeSignIn(
  config: OidcConfig,
  search: string,
): Promise<{
  readonly session: Session;
  readonly next: string;
  readonly purpose: string;
}> {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!raw) {
    throw new SignInError(
      "NO_PENDING_SIGN_IN",
      "This sign-in was not started from this tab (or was already completed): sign in again.",
      400,
    );
  }
  const pending = JSON.parse(raw) as Pending;
  let parameters: URLSearchParams;
  try {
    parameters = validateAuthResponse(
      {
        issuer: config.issuer,
        authorization_endpoint: config.authorizationEndpoint,
      },
      { client_id: config.clientId },
      new URLSearchParams(search),
      pending.state,
    );
  } catch (error) {
    if (error instanceof AuthorizationResponseError) {
      const why = error.error_description
        ? `${error.error}: ${error.error_description}`
        : error.error;
      throw new SignInError(
        "PROVIDER_REFUSED",
        `The identity provider refused: ${why}`,
        401,
      );
    }
    throw new SignInError(
      "BAD_CALLBACK",
      `The identity provider's answer does not match this sign-in: ${String(error)}`,
      400,
    );
  }
  const response = await fetch(paths.oidcToken, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({
      code: parameters.get("code"),
      codeVerifier: pending.verifier,
      redirectUri: redirectUri(config),
    }),
  });
  return {
    session: await readSignIn(response, "oidc"),
    next: pending.next,
    purpose: pending.purpose,
  };
}

/**
 * Sign the current user in again at the provider, in a popup, for an e-signature; resolves
 * to the fresh token. Call it straight from the click (browsers block popups opened later).
 */
export function reauthenticate(): Promise<string> {
  const popup = window.open(
    paths.reauth,
    REAUTH_WINDOW,
    "popup,width=520,height=680",
  );
  if (!popup) {
    return Promise.reject(
      new Error(
        "The browser blocked the sign-in window: allow pop-ups for this site and sign again.",
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const closed = window.setInterval(() => {
      if (popup.closed)
        finish(() =>
          reject(
            new Error("The sign-in window was closed: nothing was signed."),
          ),
        );
    }, 500);
    function finish(settle: () => void) {
      window.clearInterval(closed);
      window.removeEventListener("message", receive);
      settle();
    }
    function receive(event: MessageEvent) {
      if (event.origin !== window.location.origin || event.source !== popup)
        return;
      const data = event.data as {
        type?: string;
        token?: string;
        error?: string;
      };
      if (data.type !== REAUTH_MESSAGE) return;
      finish(() =>
        data.token
          ? resolve(data.token)
          : reject(new Error(data.error ?? "The sign-in failed.")),
      );
    }
    window.addEventListener("message", receive);
  });
}
