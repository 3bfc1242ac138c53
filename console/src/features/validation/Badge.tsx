import type { Look } from "./model";

/** A state in words with an icon, coloured by tone: the colour is never the only signal. */
export function LookBadge({ look, testId }: { readonly look: Look; readonly testId?: string }) {
  return (
    <span className={`badge badge-${look.tone}`} data-testid={testId} data-look={look.label}>
      <span aria-hidden="true">{look.icon}</span> {look.label}
    </span>
  );
}
