// Small pieces shared by the transfer pages: the status badge and the stepper.
import { STEP_STATE_TEXT } from "./model";
import type { Step } from "./model";

const BADGE: Record<string, string> = {
  qualified: "badge-ok",
  failed: "badge-bad",
  cancelled: "badge-muted",
  awaiting_decision: "badge-warn",
  awaiting_overlay: "badge-warn",
  awaiting_approval: "badge-warn",
};

export function StatusBadge({ status }: { readonly status: string }) {
  return (
    <span className={`badge ${BADGE[status] ?? "badge-info"}`} data-testid="transfer-status">
      {status}
    </span>
  );
}

const STEP_OF_STATUS: Record<string, string> = {
  awaiting_overlay: "Target overlay",
  awaiting_approval: "Approvals",
  deploying: "Deployment",
  qualifying: "Qualification",
  awaiting_decision: "Decision: extend or fail",
  qualified: "Done (qualified)",
  failed: "Ended (failed)",
  cancelled: "Ended (cancelled)",
};

export function stepLabel(status: string): string {
  return STEP_OF_STATUS[status] ?? status;
}

const MARK: Record<Step["state"], string> = {
  done: "✓",
  current: "●",
  waiting: "○",
  failed: "✕",
  cancelled: "–",
};

export function Stepper({ steps, status }: { readonly steps: readonly Step[]; readonly status: string }) {
  return (
    <ol className="transfer-steps" aria-label="Transfer steps" data-testid="transfer-steps">
      {steps.map((step, index) => (
        <li
          key={step.key}
          className={`transfer-step step-${step.state}`}
          aria-current={step.state === "current" ? "step" : undefined}
          data-step={step.key}
          data-state={step.state}
        >
          <span className="step-mark" aria-hidden="true">
            {MARK[step.state]}
          </span>
          <span className="step-label">
            {index + 1}. {step.label}
          </span>
          <span className="step-state">
            {STEP_STATE_TEXT[step.state]}
            {step.state === "current" ? ` (${status})` : ""}
          </span>
        </li>
      ))}
    </ol>
  );
}
