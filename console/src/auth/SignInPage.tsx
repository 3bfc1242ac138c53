// Sign-in. Development: user id + password of the local identity store → a short-lived token
// held in memory. Production: the OIDC provider (Authorization Code with PKCE, ./oidc.ts).
// After signing in the user goes back to `next` (the page they were on) or their role's home.
import { useState } from "react";
import type { FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";

import { homeFor } from "../app/nav";
import { paths } from "../config/paths";
import { useAuth } from "./AuthContext";
import { startSignIn } from "./oidc";
import { SignInError, devSignIn, safeNext } from "./session";
import { useAuthConfig } from "./useAuthConfig";

export function SignInPage() {
  const { session, signIn, ended } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [userId, setUserId] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = params.get("next");
  const config = useAuthConfig();
  const oidc = config.data?.oidc ?? null;
  const devForm = config.data?.devSignIn ?? false;

  if (session)
    return (
      <Navigate to={next ? safeNext(next) : homeFor(session.roles)} replace />
    );

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const signed = await devSignIn(paths.signIn, userId.trim(), password);
      setPassword("");
      signIn(signed);
      await navigate(next ? safeNext(next) : homeFor(signed.roles), {
        replace: true,
      });
    } catch (failure) {
      setError(
        failure instanceof SignInError
          ? failure.code === "SIGNING_LOCKED"
            ? `${failure.message}`
            : failure.message
          : "The API cannot be reached.",
      );
    } finally {
      setBusy(false);
    }
  }

  async function atProvider() {
    if (!oidc) return;
    setBusy(true);
    setError(null);
    try {
      await startSignIn(oidc, next ? safeNext(next) : "/");
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <h1>COE Platform</h1>
      {ended === "expired" ? (
        <p className="state state-info" role="status">
          Your session has expired. Sign in again to return to the page you were
          on.
        </p>
      ) : null}
      {ended === "signed-out" ? (
        <p className="state state-info" role="status">
          You have signed out.
        </p>
      ) : null}
      {config.isPending ? (
        <p className="state state-loading" role="status" aria-live="polite">
          Loading…
        </p>
      ) : null}
      {config.error ? (
        <p className="state state-error" role="alert">
          How to sign in here cannot be read: {config.error.message}
        </p>
      ) : null}
      {oidc ? (
        <div className="sign-in-provider">
          <button
            type="button"
            onClick={() => void atProvider()}
            disabled={busy}
          >
            Sign in with your identity provider
          </button>
          <p className="page-subtitle">{new URL(oidc.issuer).host}</p>
        </div>
      ) : null}
      {error && !devForm ? (
        <p className="state state-error" role="alert">
          {error}
        </p>
      ) : null}
      {devForm ? (
        <form onSubmit={(event) => void submit(event)} aria-label="Sign in">
          <label>
            User id
            <input
              name="userId"
              autoComplete="username"
              value={userId}
              onChange={(event) => setUserId(event.target.value)}
              required
            />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
          </label>
          {error ? (
            <p className="state state-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      ) : null}
    </main>
  );
}
