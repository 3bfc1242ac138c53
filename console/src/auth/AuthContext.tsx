// The session of this tab, in React state only. When the token expires (its own expiry, or the
// API answering UNAUTHENTICATED) the user goes to the sign-in page with `next` set to the page
// they were on, and comes back to it after signing in again.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import type { ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";

import { signInPath } from "./session";
import type { Session } from "./session";

interface Auth {
  readonly session: Session | null;
  /** Set by the sign-in page. */
  readonly signIn: (session: Session) => void;
  /** The user asked to leave. */
  readonly signOut: () => void;
  /** The token no longer works: sign in again, then return here. */
  readonly expire: () => void;
  /** Why the last session ended, for the sign-in page ("expired", "signed-out"). */
  readonly ended: "expired" | "signed-out" | null;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { readonly children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [ended, setEnded] = useState<Auth["ended"]>(null);
  const navigate = useNavigate();
  const location = useLocation();
  const here = location.pathname + location.search;

  const expire = useCallback(() => {
    setSession(null);
    setEnded("expired");
    void navigate(signInPath(here), { replace: true });
  }, [navigate, here]);

  const signOut = useCallback(() => {
    setSession(null);
    setEnded("signed-out");
    void navigate("/sign-in", { replace: true });
  }, [navigate]);

  const signIn = useCallback((next: Session) => {
    setEnded(null);
    setSession(next);
  }, []);

  useEffect(() => {
    if (!session) return;
    const left = session.expiresAt.getTime() - Date.now();
    const timer = window.setTimeout(expire, Math.max(0, left));
    return () => window.clearTimeout(timer);
  }, [session, expire]);

  const auth = useMemo(
    () => ({ session, signIn, signOut, expire, ended }),
    [session, signIn, signOut, expire, ended],
  );
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside <AuthProvider>");
  return auth;
}

/** The signed-in session; only inside pages behind <RequireSession>. */
export function useSession(): Session {
  const { session } = useAuth();
  if (!session)
    throw new Error("useSession without a session (use <RequireSession>)");
  return session;
}
