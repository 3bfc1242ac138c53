// The identity provider's redirect lands here (/auth/callback): the code is redeemed through
// the API and the user goes on to the page they wanted. In the signing popup (./oidc.ts
// `reauthenticate`) the fresh token goes back to the page that opened it instead.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";

import { homeFor } from "../app/nav";
import { useAuth } from "./AuthContext";
import {
  REAUTH_MESSAGE,
  REAUTH_WINDOW,
  completeSignIn,
  startSignIn,
} from "./oidc";
import { safeNext } from "./session";
import { useAuthConfig } from "./useAuthConfig";

function inSigningPopup(): boolean {
  return window.name === REAUTH_WINDOW && !!window.opener;
}

function tellOpener(message: { token?: string; error?: string }) {
  (window.opener as Window).postMessage(
    { type: REAUTH_MESSAGE, ...message },
    window.location.origin,
  );
  window.close();
}

export function AuthCallbackPage() {
  const config = useAuthConfig();
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  const oidc = config.data?.oidc;

  useEffect(() => {
    if (!oidc || started.current) return;
    started.current = true; // the pending sign-in is single-use
    completeSignIn(oidc, window.location.search).then(
      ({ session, next, purpose }) => {
        if (purpose === "reauth" && inSigningPopup()) {
          tellOpener({ token: session.token });
          return;
        }
        signIn(session);
        void navigate(
          next && next !== "/" ? safeNext(next) : homeFor(session.roles),
          {
            replace: true,
          },
        );
      },
      (failure: unknown) => {
        const message =
          failure instanceof Error ? failure.message : String(failure);
        if (inSigningPopup()) tellOpener({ error: message });
        else setError(message);
      },
    );
  }, [oidc, signIn, navigate]);

  const problem =
    error ??
    config.error?.message ??
    (config.data && !oidc ? "No identity provider is configured here." : null);
  return (
    <main id="main" className="sign-in">
      <h1>COE Platform</h1>
      {problem ? (
        <>
          <p className="state state-error" role="alert">
            {problem}
          </p>
          <Link to="/sign-in">Back to sign-in</Link>
        </>
      ) : (
        <p className="state state-loading" role="status" aria-live="polite">
          Signing in…
        </p>
      )}
    </main>
  );
}

/** /auth/reauth: the signing popup's first page — off to the provider for a fresh sign-in. */
export function ReauthPage() {
  const config = useAuthConfig();
  const oidc = config.data?.oidc;
  const started = useRef(false);
  useEffect(() => {
    if (!oidc || started.current) return;
    started.current = true;
    void startSignIn(oidc, "", "reauth");
  }, [oidc]);
  return (
    <main id="main" className="sign-in">
      <h1>Sign in again to sign</h1>
      <p className="state state-loading" role="status" aria-live="polite">
        {config.error
          ? config.error.message
          : "Opening your identity provider…"}
      </p>
    </main>
  );
}
