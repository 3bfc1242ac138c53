// A signed-in user: the bearer token (held in memory only — never localStorage or
// sessionStorage, so it dies with the tab) and what the API told us about it.
export interface Session {
  readonly token: string;
  readonly expiresAt: Date;
  readonly subject: string;
  readonly name: string;
  readonly roles: readonly string[];
  /** Sites a site-scoped role is limited to; empty: no site scope. */
  readonly sites: readonly string[];
  /** How the user signed in: the development identity store or the OIDC provider. */
  readonly via: "dev" | "oidc";
}

export function hasRole(
  session: Session | null,
  ...roles: readonly string[]
): boolean {
  return !!session && session.roles.some((role) => roles.includes(role));
}

/** Where to go after sign-in: only a path of this origin (no "//host" or "https://…"). */
export function safeNext(next: string | null): string {
  if (
    !next ||
    !next.startsWith("/") ||
    next.startsWith("//") ||
    next.startsWith("/\\")
  )
    return "/";
  if (next.startsWith("/sign-in") || next.startsWith("/auth/")) return "/";
  return next;
}

/** The path (with its query) to come back to: the sign-in page's `next`. */
export function signInPath(next: string): string {
  const back = safeNext(next);
  return back === "/"
    ? "/sign-in"
    : `/sign-in?next=${encodeURIComponent(back)}`;
}

/** What both sign-ins answer: the token, its expiry, and who it is. */
interface SignInAnswer {
  token: string;
  expiresAt: string;
  subject: string;
  name: string;
  roles: string[];
  sites: string[];
}

/** The API's REST error shape: `{"error": CODE, "message": …}`. */
export class SignInError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "SignInError";
  }
}

/** POST /api/v1/auth/sign-in: user id + password of the development identity store. */
export async function devSignIn(
  url: string,
  userId: string,
  password: string,
): Promise<Session> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ userId, password }),
  });
  return readSignIn(response, "dev");
}

/** A sign-in endpoint's answer as a session, or its REST error as a SignInError. */
export async function readSignIn(
  response: Response,
  via: Session["via"],
): Promise<Session> {
  const body = (await response.json().catch(() => ({}))) as Record<
    string,
    unknown
  >;
  if (!response.ok) {
    const { error, message, ...details } = body;
    throw new SignInError(
      typeof error === "string" ? error : `HTTP_${response.status}`,
      typeof message === "string"
        ? message
        : `sign-in failed (HTTP ${response.status})`,
      response.status,
      details,
    );
  }
  const answer = body as unknown as SignInAnswer;
  return {
    token: answer.token,
    expiresAt: new Date(answer.expiresAt),
    subject: answer.subject,
    name: answer.name,
    roles: answer.roles,
    sites: answer.sites,
    via,
  };
}
