// One rollout: status, gates (approval waiting for whom, soak left, kpiGuard measurement), the
// waves × sites grid, live by polling with backoff until it finishes; steering for architects,
// the gate's approval through the one SignatureDialog for its approvers.
import { useCallback, useEffect, useState } from "react";
import { Link, useParams } from "react-router";

import { isProblem } from "../../api/client";
import { useApiMutation, useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { Role } from "../../auth/roles";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { ErrorMessage, Loading } from "../../components/States";
import type { ProblemView } from "../../components/States";
import { SignatureDialog } from "../../components/signature/SignatureDialog";
import {
  AbortRolloutDocument,
  ApproveRolloutGateDocument,
  PauseRolloutDocument,
  ResumeRolloutDocument,
  RetryRolloutDocument,
  RolloutDetailDocument,
  SkipRolloutSiteDocument,
} from "../../generated/graphql";
import { ControlDialog } from "./ControlDialog";
import { KpiGuardView } from "./KpiGuardView";
import { SiteGrid } from "./SiteGrid";
import { StateBadge } from "./StateBadge";
import {
  gateStates,
  isFinished,
  progress,
  shortHash,
  utc,
  waitingApproval,
} from "./model";
import type { RolloutView, SiteView } from "./model";

type Answer = { readonly __typename: string };

function problemOf<T extends Answer>(answer: T): ProblemView | null {
  return isProblem(answer) ? (answer as unknown as ProblemView) : null;
}

type Control = "pause" | "resume" | "abort" | "retry";

export function RolloutPage() {
  const { id = "" } = useParams();
  const session = useSession();
  const query = useApiQuery(
    RolloutDetailDocument,
    { id },
    {
      poll: {
        every: 1000,
        upTo: 10_000,
        until: (data) => isFinished(data.rollout.status),
      },
    },
  );
  const pause = useApiMutation(PauseRolloutDocument);
  const resume = useApiMutation(ResumeRolloutDocument);
  const abort = useApiMutation(AbortRolloutDocument);
  const retry = useApiMutation(RetryRolloutDocument);
  const skip = useApiMutation(SkipRolloutSiteDocument);
  const approve = useApiMutation(ApproveRolloutGateDocument);
  const [control, setControl] = useState<Control | null>(null);
  const [skipping, setSkipping] = useState<string | null>(null);
  const [signing, setSigning] = useState(false);
  const refetch = query.refetch;

  const architect = hasRole(session, Role.architect);
  const rollout = query.data?.rollout;

  const renderDetail = useCallback(
    (site: SiteView) =>
      architect &&
      site.state === "pending" &&
      rollout &&
      !isFinished(rollout.status) ? (
        <p>
          <button type="button" onClick={() => setSkipping(site.site)}>
            Skip site {site.site}…
          </button>
        </p>
      ) : null,
    [architect, rollout],
  );

  if (query.isPending) return <Loading what="Loading the rollout" />;
  if (!rollout) {
    return (
      <Page title={`Rollout ${id}`}>
        {query.error ? <ErrorMessage error={query.error} /> : null}
        <p>
          <Link to="/rollouts">All rollouts</Link>
        </p>
      </Page>
    );
  }

  const finished = isFinished(rollout.status);
  const waiting = waitingApproval(rollout);
  const canApprove =
    !!waiting &&
    hasRole(session, waiting.gate.role) &&
    session.subject !== rollout.startedBy;
  const failedWaiting = rollout.waves
    .find((wave) => wave.name === rollout.currentWave)
    ?.sites.some((site) => site.state === "failed");
  const { done, live, total } = progress(rollout.waves);

  const actions = (
    <>
      {canApprove && waiting ? (
        <button type="button" onClick={() => setSigning(true)}>
          Approve gate of wave {waiting.wave.name}…
        </button>
      ) : null}
      {architect && !finished ? (
        <>
          {rollout.status === "running" ? (
            <button type="button" onClick={() => setControl("pause")}>
              Pause…
            </button>
          ) : null}
          {rollout.status === "paused" ? (
            <button type="button" onClick={() => setControl("resume")}>
              Resume…
            </button>
          ) : null}
          {failedWaiting ? (
            <button type="button" onClick={() => setControl("retry")}>
              Retry failed sites…
            </button>
          ) : null}
          <button
            type="button"
            className="button-danger"
            onClick={() => setControl("abort")}
          >
            Abort…
          </button>
        </>
      ) : null}
    </>
  );

  return (
    <Page
      title={`Rollout ${rollout.id}`}
      subtitle={
        <>
          {rollout.template} {rollout.version} → {rollout.environment} · started
          by {rollout.startedBy} at {utc(rollout.startedAt)}
        </>
      }
      actions={actions}
    >
      <p>
        <Link to="/rollouts">All rollouts</Link>
      </p>
      <section className="panel" aria-labelledby="status-title">
        <h2 id="status-title" className="visually-hidden">
          Status
        </h2>
        <dl className="facts rollout-facts">
          <dt>Status</dt>
          <dd data-testid="rollout-status">
            <StateBadge state={rollout.status} />
          </dd>
          <dt>Current wave</dt>
          <dd>{rollout.currentWave ?? "—"}</dd>
          <dt>Reason</dt>
          <dd data-testid="rollout-reason">{rollout.reason ?? "—"}</dd>
          <dt>Progress</dt>
          <dd>
            {done} of {total} sites done ({live} live)
          </dd>
          <dt>Template sha256</dt>
          <dd>
            <code title={rollout.templateSha256}>
              {shortHash(rollout.templateSha256)}
            </code>
          </dd>
          <dt>Updated</dt>
          <dd>{utc(rollout.updatedAt)}</dd>
          <dt>Finished</dt>
          <dd>{utc(rollout.finishedAt)}</dd>
          <dt>Workflow</dt>
          <dd>
            <a
              href={rollout.temporalUrl}
              target="_blank"
              rel="noreferrer noopener"
            >
              Open in the Temporal UI
            </a>
          </dd>
        </dl>
        {query.error ? <ErrorMessage error={query.error} /> : null}
        {!finished ? (
          <p className="muted" role="status">
            {query.isFetching
              ? "Refreshing…"
              : "Live: refreshed automatically."}
          </p>
        ) : null}
        {rollout.warnings.length ? (
          <ul className="warnings">
            {rollout.warnings.map((warning, i) => (
              <li key={i}>
                <span className="badge badge-warn">⚠ warning</span> {warning}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <Gates rollout={rollout} />
      <h2>Waves and sites</h2>
      <SiteGrid waves={rollout.waves} renderDetail={renderDetail} />

      {control ? (
        <ControlDialog
          title={
            {
              pause: "Pause the rollout",
              resume: "Resume the rollout",
              abort: "Abort the rollout",
              retry: "Retry the failed sites of the current wave",
            }[control]
          }
          action={
            {
              pause: "Pause",
              resume: "Resume",
              abort: "Abort",
              retry: "Retry",
            }[control]
          }
          reasonRequired={false}
          rollbackChoice={control === "abort"}
          danger={control === "abort"}
          onRun={async (reason, rollback) => {
            const vars = { id: rollout.id, reason: reason || null };
            let problem: ProblemView | null;
            if (control === "pause")
              problem = problemOf((await pause.mutateAsync(vars)).pauseRollout);
            else if (control === "resume")
              problem = problemOf(
                (await resume.mutateAsync(vars)).resumeRollout,
              );
            else if (control === "retry")
              problem = problemOf((await retry.mutateAsync(vars)).retryRollout);
            else
              problem = problemOf(
                (await abort.mutateAsync({ ...vars, rollback })).abortRollout,
              );
            if (!problem) void refetch();
            return problem;
          }}
          onClose={() => setControl(null)}
        />
      ) : null}
      {skipping ? (
        <ControlDialog
          title={`Skip site ${skipping}`}
          action="Skip site"
          reasonRequired
          onRun={async (reason) => {
            const answer = await skip.mutateAsync({
              id: rollout.id,
              site: skipping,
              reason,
            });
            const problem = problemOf(answer.skipRolloutSite);
            if (!problem) void refetch();
            return problem;
          }}
          onClose={() => setSkipping(null)}
        />
      ) : null}
      {signing && waiting ? (
        <SignatureDialog
          target={{
            entityType: "rollout_gate",
            entityId: `${rollout.id}/${waiting.wave.name}`,
            label: `Gate after wave ${waiting.wave.name} of rollout ${rollout.id} (${rollout.template} ${rollout.version})`,
            meaning: waiting.gate.meaning,
            contentSha256: rollout.templateSha256,
            details: (
              <p>
                Wave {waiting.wave.name}:{" "}
                {waiting.wave.sites.map((site) => site.site).join(", ")}.
                Approving lets the rollout go on to the next gate or wave.
              </p>
            ),
          }}
          onSign={async (signature) => {
            const answer = await approve.mutateAsync({
              id: rollout.id,
              wave: waiting.wave.name,
              signature,
            });
            return problemOf(answer.approveRolloutGate);
          }}
          onClose={() => {
            setSigning(false);
            void refetch();
          }}
        />
      ) : null}
    </Page>
  );
}

function Gates({ rollout }: { readonly rollout: RolloutView }) {
  const now = useNow(1000);
  const rows = rollout.waves.flatMap((wave, index) =>
    gateStates(rollout, index, now).map((status, n) => ({ wave, status, n })),
  );
  const guards = rollout.waves.filter((wave) => wave.kpiGuard);
  return (
    <section className="panel" aria-labelledby="gates-title">
      <h2 id="gates-title">Gates</h2>
      {rows.length ? (
        <table data-testid="gates">
          <thead>
            <tr>
              <th scope="col">Wave</th>
              <th scope="col">Gate</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ wave, status, n }) => (
              <tr
                key={`${wave.name}-${n}`}
                data-gate={`${wave.name}:${status.gate.kind}`}
              >
                <th scope="row">{wave.name}</th>
                <td>{status.gate.text}</td>
                <td>
                  <GateBadge state={status.state} />{" "}
                  {status.state === "waiting" && status.gate.kind === "approval"
                    ? `waiting for a ${status.gate.role} (not ${rollout.startedBy}, who started it) to sign “${status.gate.meaning}”`
                    : null}
                  {status.state === "soaking" &&
                  status.secondsLeft !== undefined
                    ? `about ${status.secondsLeft} s left`
                    : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">This rollout's waves have no gates.</p>
      )}
      {guards.map((wave) => (
        <KpiGuardView
          key={wave.name}
          wave={wave.name}
          measurement={wave.kpiGuard!}
        />
      ))}
    </section>
  );
}

const GATE_LOOK: Record<string, { icon: string; tone: string }> = {
  passed: { icon: "✓", tone: "ok" },
  waiting: { icon: "✎", tone: "warn" },
  soaking: { icon: "◷", tone: "info" },
  measuring: { icon: "≈", tone: "info" },
  "not reached": { icon: "○", tone: "muted" },
  stopped: { icon: "■", tone: "bad" },
};

function GateBadge({ state }: { readonly state: string }) {
  const look = GATE_LOOK[state] ?? { icon: "?", tone: "muted" };
  return (
    <span className={`badge badge-${look.tone}`}>
      <span aria-hidden="true">{look.icon}</span> {state}
    </span>
  );
}

/** The time now, every `every` ms (for soak countdowns). */
function useNow(every: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), every);
    return () => window.clearInterval(timer);
  }, [every]);
  return now;
}
