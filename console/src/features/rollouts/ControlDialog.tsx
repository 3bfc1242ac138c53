// The dialog of one steering action (pause, resume, abort, retry, skip site): a reason (required
// where the API requires one), the rollback choice for abort; the API's problem shown as is.
import { useState } from "react";

import { ReasonDialog } from "../../components/ReasonDialog";
import type { ProblemView } from "../../components/States";

export function ControlDialog({
  title,
  action,
  reasonRequired,
  rollbackChoice = false,
  danger = false,
  onRun,
  onClose,
}: {
  readonly title: string;
  /** The submit button's words. */
  readonly action: string;
  readonly reasonRequired: boolean;
  readonly rollbackChoice?: boolean;
  readonly danger?: boolean;
  /** Run the mutation; answer its problem, or null when done. */
  readonly onRun: (
    reason: string,
    rollback: boolean,
  ) => Promise<ProblemView | null>;
  readonly onClose: () => void;
}) {
  const [rollback, setRollback] = useState(false);
  return (
    <ReasonDialog
      title={title}
      submitLabel={action}
      reasonRequired={reasonRequired}
      danger={danger}
      className="control-dialog"
      onSubmit={(reason) => onRun(reason, rollback)}
      onClose={onClose}
    >
      {rollbackChoice ? (
        <fieldset>
          <legend>What happens to the sites already changed</legend>
          <label className="inline">
            <input
              type="radio"
              name="rollback"
              checked={!rollback}
              onChange={() => setRollback(false)}
            />{" "}
            Keep them as they are
          </label>
          <label className="inline">
            <input
              type="radio"
              name="rollback"
              checked={rollback}
              onChange={() => setRollback(true)}
            />{" "}
            Roll back every site this rollout changed (newest first)
          </label>
        </fieldset>
      ) : null}
    </ReasonDialog>
  );
}
