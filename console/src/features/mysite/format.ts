// Small display helpers of this section.

/** An instant as `YYYY-MM-DD HH:MM:SS UTC` (Part 11 manifestations show UTC). */
export function utc(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 12) : "—";
}

export function statusBadge(status: string): string {
  switch (status.toLowerCase()) {
    case "approved":
    case "live":
      return "badge badge-ok";
    case "proposed":
      return "badge badge-warn";
    case "rejected":
    case "rolled_back":
      return "badge badge-bad";
    default:
      return "badge badge-muted";
  }
}
