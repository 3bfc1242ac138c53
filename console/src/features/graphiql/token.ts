// The bearer token pasted into the page. It lives in sessionStorage at most (gone when the
// tab closes), never in the URL, where it would leak into server logs and browser history.

const STORAGE_KEY = "coe.bearerToken";

/** The token as pasted, without whitespace or a leading "Bearer " the user copied along. */
export function cleanToken(pasted: string): string {
  return pasted.trim().replace(/^bearer\s+/i, "").trim();
}

export function storedToken(): string {
  return sessionStorage.getItem(STORAGE_KEY) ?? "";
}

export function storeToken(token: string): void {
  if (token) sessionStorage.setItem(STORAGE_KEY, token);
  else sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * The headers editor's text with `Authorization` set to the token (or removed when there is
 * none), keeping any other header the user wrote. Text that is not a JSON object is replaced.
 */
export function withAuthorization(headersText: string, token: string): string {
  const headers = parseHeaders(headersText);
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === "authorization") delete headers[name];
  }
  const merged = token ? { Authorization: `Bearer ${token}`, ...headers } : headers;
  return Object.keys(merged).length ? JSON.stringify(merged, null, 2) : "";
}

function parseHeaders(headersText: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(headersText);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // an empty or half-typed editor: start from no headers
  }
  return {};
}

/** What the page shows of a token: enough to tell two apart, not enough to reuse it. */
export function tokenHint(token: string): string {
  return token.length > 12 ? `…${token.slice(-6)}` : "set";
}
