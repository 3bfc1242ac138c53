import { stateLook } from "./model";

/** A state in words with an icon, coloured by tone: the colour is never the only signal. */
export function StateBadge({ state }: { readonly state: string }) {
  const look = stateLook(state);
  return (
    <span className={`badge badge-${look.tone}`} data-state={state}>
      <span aria-hidden="true">{look.icon}</span> {look.label}
    </span>
  );
}
