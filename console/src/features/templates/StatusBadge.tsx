import type { TemplateStatus } from "../../generated/graphql";
import { statusBadge, statusLabels } from "./model";

/** A lifecycle status in words (the colour only repeats it). */
export function StatusBadge({ status }: { readonly status: TemplateStatus }) {
  return (
    <span className={`badge ${statusBadge[status]}`} data-status={status}>
      {statusLabels[status]}
    </span>
  );
}
