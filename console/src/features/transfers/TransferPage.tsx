// /transfers/:id: one transfer through its steps (polled with backoff until it ends), the
// actions the signed-in user may take at this step, and the qualification chart.
import { useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { Link, useParams } from "react-router";

import { isProblem } from "../../api/client";
import { useApiMutation, useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { ProblemLine } from "../../components/ReasonDialog";
import { ErrorMessage, Loading } from "../../components/States";
import type { ProblemView } from "../../components/States";
import { SignatureDialog } from "../../components/signature/SignatureDialog";
import {
  ApproveTransferDocument,
  CancelTransferDocument,
  CompleteTransferOverlayDocument,
  ExtendTransferQualificationDocument,
  FailTransferDocument,
  TransferDetailDocument,
} from "../../generated/graphql";
import type { TransferDetailQuery } from "../../generated/graphql";
import { QualificationChart } from "./QualificationChart";
import { utc } from "./TransfersList";
import {
  FINISHED,
  approvalsOf,
  choicesOf,
  duration,
  mayActOn,
  measurementOf,
  historyOf,
  show,
  stepsOf,
  text,
} from "./model";
import { StatusBadge, Stepper } from "./parts";

type Transfer = TransferDetailQuery["transfer"];
/** What a step's answer said of the transfer (its record lands in the database just after). */
type Answered = { readonly status?: string; readonly reason?: string | null } | undefined;
type Done = (answer?: Answered) => void;

export function TransferPage() {
  const { id = "" } = useParams();
  const query = useApiQuery(
    TransferDetailDocument,
    { id },
    { poll: { every: 2000, upTo: 30_000, until: (data) => FINISHED.includes(data.transfer.status) } },
  );
  const stored = query.data?.transfer;
  // a step's answer, shown until the stored transfer changes (its record lands just after)
  const [answered, setAnswered] = useState<{ status: string; reason: string | null; since: string } | null>(
    null,
  );
  const transfer =
    stored && answered && stored.updatedAt === answered.since && stored.status !== answered.status
      ? { ...stored, status: answered.status, reason: answered.reason ?? stored.reason }
      : stored;
  if (query.isPending) return <Page title={`Transfer ${id}`}><Loading what="Loading the transfer" /></Page>;
  if (query.error || !transfer)
    return (
      <Page title={`Transfer ${id}`}>
        {query.error ? <ErrorMessage error={query.error} /> : null}
        <p>
          <Link to="/transfers">All transfers</Link>
        </p>
      </Page>
    );

  const latest = measurementOf(transfer.qualification);
  const planned = { start: transfer.startedAt, seconds: transfer.windowSeconds };
  const finished = FINISHED.includes(transfer.status);
  return (
    <Page
      title={`Transfer ${transfer.id}`}
      subtitle={
        <>
          {transfer.template}@{transfer.version}: {transfer.source} → {transfer.target} ·{" "}
          <Link to="/transfers">all transfers</Link>
        </>
      }
    >
      <div className="grid-2">
        <section className="panel" aria-labelledby="transfer-where">
          <h2 id="transfer-where">Where it stands</h2>
          <p>
            <StatusBadge status={transfer.status} />{" "}
            <span data-testid="transfer-reason">{transfer.reason ?? ""}</span>
          </p>
          <p className="hint" aria-live="polite">
            {finished ? `Ended ${utc(transfer.finishedAt)}.` : `Following it live (last change ${utc(transfer.updatedAt)}).`}
          </p>
          <Stepper steps={stepsOf(transfer)} status={transfer.status} />
        </section>
        <section className="panel" aria-labelledby="transfer-terms">
          <h2 id="transfer-terms">Terms</h2>
          <dl className="facts" data-testid="transfer-terms">
            <dt>Tolerance</dt>
            <dd>{transfer.tolerance}</dd>
            <dt>Minimum units</dt>
            <dd>{transfer.minUnits}</dd>
            <dt>Qualification window</dt>
            <dd>{duration(transfer.windowSeconds)}</dd>
            <dt>Target overlay revision</dt>
            <dd>{transfer.overlayVersion ?? "—"}</dd>
            <dt>Started</dt>
            <dd>
              {utc(transfer.startedAt)} by {transfer.startedBy}
            </dd>
            <dt>Workflow</dt>
            <dd>
              <a href={transfer.temporalUrl} rel="noreferrer">
                Temporal
              </a>
            </dd>
          </dl>
          {transfer.warnings.length ? (
            <div className="state state-info" role="note">
              <strong>Warnings kept at the start</strong>
              <ul>
                {transfer.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </section>
      </div>

      <Actions
        transfer={transfer}
        refetch={(answer) => {
          if (answer?.status && stored)
            setAnswered({ status: answer.status, reason: answer.reason ?? null, since: stored.updatedAt });
          // read it again soon: the step's record lands just after its answer
          for (const ms of [0, 1000, 2500, 5000, 10_000]) window.setTimeout(() => void query.refetch(), ms);
        }}
      />

      <section aria-labelledby="transfer-approvals">
        <h2 id="transfer-approvals">Approvals</h2>
        <Approvals transfer={transfer} />
      </section>

      <section aria-labelledby="transfer-qualification">
        <h2 id="transfer-qualification">Qualification</h2>
        <QualificationChart
          pkg={transfer.package}
          tolerance={transfer.tolerance}
          minUnits={transfer.minUnits}
          series={historyOf(transfer.qualification)}
          latest={latest}
          planned={planned}
        />
        {!latest ? <p className="hint">No measurement yet: the target is measured once the process is live there.</p> : null}
      </section>
    </Page>
  );
}

function Approvals({ transfer }: { readonly transfer: Transfer }) {
  const given = approvalsOf(transfer.approvals);
  return (
    <table data-testid="transfer-approvals">
      <thead>
        <tr>
          <th scope="col">Side</th>
          <th scope="col">Site</th>
          <th scope="col">Signed by</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {(["source", "target"] as const).map((side) => {
          const a = given.find((g) => g.side === side);
          return (
            <tr key={side}>
              <th scope="row">{side}</th>
              <td>{side === "source" ? transfer.source : transfer.target}</td>
              <td>{a ? `✓ ${a.signer}` : "not signed"}</td>
              <td>{a?.reason ?? "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

interface Decision {
  readonly parameter: string;
  readonly reason: string;
  readonly sourceValue: unknown;
}

function decisionsOf(pkg: unknown): Decision[] {
  if (typeof pkg !== "object" || pkg === null) return [];
  const raw = (pkg as Record<string, unknown>).decisions;
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((d): d is Record<string, unknown> => typeof d === "object" && d !== null)
    .map((d) => ({
      parameter: text(d.parameter),
      reason: text(d.reason),
      sourceValue: d.source_value ?? d.sourceValue,
    }));
}

function Actions({ transfer, refetch }: { readonly transfer: Transfer; readonly refetch: Done }) {
  const session = useSession();
  const npi = hasRole(session, "npi_engineer");
  const status = transfer.status;
  const signers = approvalsOf(transfer.approvals).map((a) => a.signer);
  const signable = (["source", "target"] as const).filter(
    (side) =>
      status === "awaiting_approval" &&
      mayActOn(session, "qa_approver", side === "source" ? transfer.source : transfer.target) &&
      !approvalsOf(transfer.approvals).some((a) => a.side === side) &&
      session.subject !== transfer.startedBy &&
      !signers.includes(session.subject),
  );
  const completes =
    status === "awaiting_overlay" &&
    (mayActOn(session, "site_admin", transfer.target) || hasRole(session, "coe_architect"));
  const decides = npi && status === "awaiting_decision";
  const cancels = npi && !FINISHED.includes(status) && status !== "deploying";
  // A side being signed stays on the page until its dialog closes: the transfer moves on as
  // soon as the signature lands, and the manifestation is still to be shown.
  const [signing, setSigning] = useState<"source" | "target" | null>(null);
  const sides = signing && !signable.includes(signing) ? [...signable, signing] : signable;
  if (!sides.length && !completes && !decides && !cancels) return null;
  return (
    <section className="panel" aria-labelledby="transfer-actions">
      <h2 id="transfer-actions">Your actions</h2>
      {completes ? <CompleteOverlay transfer={transfer} done={refetch} /> : null}
      {sides.map((side) => (
        <Approve
          key={side}
          transfer={transfer}
          side={side}
          open={signing === side}
          onOpen={() => setSigning(side)}
          done={(answer) => {
            setSigning(null);
            refetch(answer);
          }}
        />
      ))}
      {decides ? <Extend transfer={transfer} done={refetch} /> : null}
      {decides ? (
        <ReasonAction
          title="Fail the transfer"
          button="Fail transfer"
          danger
          run={(reason, mutate) => mutate.fail({ id: transfer.id, reason })}
          done={refetch}
        />
      ) : null}
      {cancels ? (
        <ReasonAction
          title="Cancel the transfer"
          button="Cancel transfer"
          danger
          run={(reason, mutate) => mutate.cancel({ id: transfer.id, reason })}
          done={refetch}
        />
      ) : null}
    </section>
  );
}

type Answer = { readonly __typename: string; readonly status?: string; readonly reason?: string | null } & Partial<
  Omit<ProblemView, "__typename">
>;

function problemOf(answer: Answer): ProblemView | null {
  if (
    ["BadInput", "Conflict", "NotFound", "SignatureRejected", "ValidationFailed"].includes(answer.__typename)
  ) {
    return answer as ProblemView;
  }
  return null;
}

function useRun(done: Done) {
  const [problem, setProblem] = useState<ProblemView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(call: () => Promise<Answer>): Promise<boolean> {
    setBusy(true);
    setProblem(null);
    setFailure(null);
    try {
      const answer = await call();
      const found = problemOf(answer);
      if (found) {
        setProblem(found);
        return false;
      }
      done(answer);
      return true;
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
      return false;
    } finally {
      setBusy(false);
    }
  }
  const shown: ReactNode = <ProblemLine problem={problem} failure={failure} />;
  return { run, busy, shown };
}

function CompleteOverlay({ transfer, done }: { readonly transfer: Transfer; readonly done: Done }) {
  const decisions = decisionsOf(transfer.package);
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [reason, setReason] = useState("");
  const mutation = useApiMutation(CompleteTransferOverlayDocument);
  const { run, busy, shown } = useRun(done);
  const sourceValues = Object.fromEntries(decisions.map((d) => [d.parameter, d.sourceValue]));
  function submit(event: FormEvent) {
    event.preventDefault();
    void run(async () =>
      (
        await mutation.mutateAsync({
          id: transfer.id,
          choices: choicesOf(texts, sourceValues),
          reason: reason.trim() || null,
        })
      ).completeTransferOverlay,
    );
  }
  return (
    <form onSubmit={submit} aria-labelledby="complete-title" className="transfer-action">
      <h3 id="complete-title">Complete {transfer.target}&apos;s overlay</h3>
      {decisions.length ? (
        <div className="filters">
          {decisions.map((d) => (
            <label key={d.parameter} title={d.reason}>
              {d.parameter} (source: {show(d.sourceValue)})
              <input
                value={texts[d.parameter] ?? ""}
                onChange={(e) => setTexts((old) => ({ ...old, [d.parameter]: e.target.value }))}
              />
            </label>
          ))}
        </div>
      ) : (
        <p>No decisions to make: the overlay is the carried one.</p>
      )}
      <label>
        Reason
        <input value={reason} onChange={(e) => setReason(e.target.value)} size={50} />
      </label>
      {shown}
      <button type="submit" disabled={busy}>
        {busy ? "Proposing…" : "Propose the overlay"}
      </button>
    </form>
  );
}

function Approve({
  transfer,
  side,
  open,
  onOpen,
  done,
}: {
  readonly transfer: Transfer;
  readonly side: "source" | "target";
  readonly open: boolean;
  readonly onOpen: () => void;
  readonly done: Done;
}) {
  const [signed, setSigned] = useState<Answered>(undefined);
  const mutation = useApiMutation(ApproveTransferDocument);
  const site = side === "source" ? transfer.source : transfer.target;
  return (
    <div className="transfer-action">
      <button type="button" onClick={onOpen}>
        Sign for the {side} ({site})
      </button>
      {open ? (
        <SignatureDialog
          target={{
            entityType: "transfer",
            entityId: `${transfer.id}/${side}`,
            label: `Transfer ${transfer.id}: ${transfer.template}@${transfer.version} ${transfer.source} → ${transfer.target}, ${side} side (${site})`,
            meaning: "approved",
            details: (
              <p>
                Terms: tolerance {transfer.tolerance}, at least {transfer.minUnits} units within{" "}
                {duration(transfer.windowSeconds)}
                {side === "target" && transfer.overlayVersion !== null
                  ? `; also approves ${transfer.target}'s overlay revision ${transfer.overlayVersion}`
                  : ""}
                .
              </p>
            ),
          }}
          onSign={async (signature) => {
            const answer = (await mutation.mutateAsync({ id: transfer.id, side, signature })).approveTransfer;
            if (isProblem(answer)) return answer;
            setSigned(answer);
            return null;
          }}
          onClose={() => done(signed ?? undefined)}
        />
      ) : null}
    </div>
  );
}

function Extend({ transfer, done }: { readonly transfer: Transfer; readonly done: Done }) {
  const [window, setWindow] = useState("14d");
  const [reason, setReason] = useState("");
  const mutation = useApiMutation(ExtendTransferQualificationDocument);
  const { run, busy, shown } = useRun(done);
  function submit(event: FormEvent) {
    event.preventDefault();
    void run(
      async () =>
        (await mutation.mutateAsync({ id: transfer.id, window, reason: reason.trim() || null }))
          .extendTransferQualification,
    );
  }
  return (
    <form onSubmit={submit} aria-labelledby="extend-title" className="transfer-action">
      <h3 id="extend-title">Extend the qualification</h3>
      <div className="filters">
        <label>
          Window
          <input value={window} onChange={(e) => setWindow(e.target.value)} size={8} required />
        </label>
        <label>
          Reason for extending
          <input value={reason} onChange={(e) => setReason(e.target.value)} size={40} />
        </label>
        <button type="submit" disabled={busy || !window.trim()}>
          Extend
        </button>
      </div>
      {shown}
    </form>
  );
}

interface Mutators {
  readonly fail: (v: { id: string; reason: string }) => Promise<Answer>;
  readonly cancel: (v: { id: string; reason: string }) => Promise<Answer>;
}

function ReasonAction({
  title,
  button,
  danger,
  run: call,
  done,
}: {
  readonly title: string;
  readonly button: string;
  readonly danger?: boolean;
  readonly run: (reason: string, mutate: Mutators) => Promise<Answer>;
  readonly done: Done;
}) {
  const [reason, setReason] = useState("");
  const fail = useApiMutation(FailTransferDocument);
  const cancel = useApiMutation(CancelTransferDocument);
  const { run, busy, shown } = useRun(done);
  const mutators: Mutators = {
    fail: async (v) => (await fail.mutateAsync(v)).failTransfer,
    cancel: async (v) => (await cancel.mutateAsync(v)).cancelTransfer,
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    void run(() => call(reason.trim(), mutators));
  }
  return (
    <form onSubmit={submit} aria-label={title} className="transfer-action">
      <h3>{title}</h3>
      <div className="filters">
        <label>
          {`Reason to ${button.split(" ")[0].toLowerCase()}`}
          <input value={reason} onChange={(e) => setReason(e.target.value)} size={40} required />
        </label>
        <button type="submit" className={danger ? "button-danger" : undefined} disabled={busy || !reason.trim()}>
          {button}
        </button>
      </div>
      {shown}
    </form>
  );
}
