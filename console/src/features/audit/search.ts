// The audit trail's search as it lives in the URL (shareable): entity type and id, actor, site
// and a UTC time range; `after` is the page's cursor. And how one record is found by its seq.
import type { AuditFilter } from "../../generated/graphql";

export const FIELDS = [
  "entityType",
  "entityId",
  "actor",
  "site",
  "since",
  "until",
] as const;
export type Field = (typeof FIELDS)[number];
export type Search = Record<Field, string>;

export const PAGE_SIZE = 25;

/** The search fields of the URL ("" when absent). */
export function readSearch(params: URLSearchParams): Search {
  return Object.fromEntries(
    FIELDS.map((field) => [field, params.get(field)?.trim() ?? ""]),
  ) as Search;
}

/** URL parameters for a search (empty fields left out; a new search starts at page one). */
export function searchParams(search: Partial<Search>): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = search[field]?.trim();
    if (value) params.set(field, value);
  }
  return params;
}

/**
 * "2026-12-02T14:30" (an <input type="datetime-local">, read as UTC) or a full ISO date-time →
 * ISO 8601 UTC for the API; null when empty or not a time.
 */
export function utcInstant(value: string): string | null {
  if (!value) return null;
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/i.test(value);
  const date = new Date(
    hasZone ? value : `${value.length === 16 ? `${value}:00` : value}Z`,
  );
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The API's AuditFilter for a search. */
export function auditFilter(search: Search): AuditFilter {
  return {
    entityType: search.entityType || null,
    entityId: search.entityId || null,
    actor: search.actor || null,
    site: search.site || null,
    since: utcInstant(search.since),
    until: utcInstant(search.until),
  };
}

/** Pretty JSON with sorted keys (null/undefined as ""), so a diff shows only what changed. */
export function prettyJson(value: unknown): string {
  if (value === null || value === undefined) return "";
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
