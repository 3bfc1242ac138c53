// Start a rollout from a plan (architects): upload a file or paste YAML; `checkRolloutPlan`
// validates it as you type (debounced) and shows what it would do; Start only when it is valid.
import { useId, useState } from "react";
import type { ChangeEvent } from "react";
import { Link, useNavigate } from "react-router";

import { isProblem } from "../../api/client";
import { useApiMutation, useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { Role } from "../../auth/roles";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import {
  Empty,
  ErrorMessage,
  Loading,
  ProblemMessage,
} from "../../components/States";
import type { ProblemView } from "../../components/States";
import {
  CheckRolloutPlanDocument,
  StartRolloutDocument,
} from "../../generated/graphql";
import type { CheckRolloutPlanQuery } from "../../generated/graphql";
import { pct } from "./model";
import { useDebounced } from "../../components/useDebounced";

const DEBOUNCE_MS = 400;

export function NewRolloutPage() {
  const session = useSession();
  if (!hasRole(session, Role.architect)) {
    return (
      <Page title="Start a rollout">
        <Empty>Only a COE architect starts rollouts.</Empty>
        <p>
          <Link to="/rollouts">All rollouts</Link>
        </p>
      </Page>
    );
  }
  return <NewRolloutForm />;
}

function NewRolloutForm() {
  const navigate = useNavigate();
  const planId = useId();
  const [plan, setPlan] = useState("");
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const debounced = useDebounced(plan, DEBOUNCE_MS);
  const checking = debounced.trim() !== "";
  const check = useApiQuery(
    CheckRolloutPlanDocument,
    { plan: debounced },
    { enabled: checking },
  );
  const start = useApiMutation(StartRolloutDocument);
  const [startProblem, setStartProblem] = useState<ProblemView | null>(null);

  const answer = checking ? check.data?.checkRolloutPlan : undefined;
  const current = debounced === plan && checking && !check.isFetching;
  const valid = current && answer?.__typename === "RolloutPlanCheck";

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setFileProblem(null);
    if (!file) return;
    try {
      setPlan(await file.text());
    } catch (error) {
      setFileProblem(error instanceof Error ? error.message : String(error));
    }
  }

  async function startIt() {
    setStartProblem(null);
    const result = await start.mutateAsync({ plan });
    const started = result.startRollout;
    if (isProblem(started)) {
      setStartProblem(started);
      return;
    }
    if (started.__typename === "Rollout") {
      void navigate(`/rollouts/${encodeURIComponent(started.id)}`);
    }
  }

  return (
    <Page
      title="Start a rollout"
      subtitle="From a RolloutPlan (YAML or JSON), checked before it starts"
    >
      <p>
        <Link to="/rollouts">All rollouts</Link>
      </p>
      <div className="grid-2">
        <div>
          <label>
            Plan file
            <input
              type="file"
              accept=".yaml,.yml,.json,text/yaml,application/json"
              onChange={(e) => void readFile(e)}
            />
          </label>
          {fileProblem ? (
            <p className="state state-error" role="alert">
              {fileProblem}
            </p>
          ) : null}
          <label htmlFor={planId}>Plan (YAML or JSON)</label>
          <textarea
            id={planId}
            className="plan-text mono"
            rows={24}
            spellCheck={false}
            wrap="off"
            value={plan}
            onChange={(event) => setPlan(event.target.value)}
            placeholder={
              "apiVersion: coe.dev/v1\nkind: RolloutPlan\nmetadata: …"
            }
          />
          <div className="page-actions">
            <button
              type="button"
              disabled={!valid || start.isPending}
              onClick={() => void startIt()}
            >
              {start.isPending ? "Starting…" : "Start rollout"}
            </button>
          </div>
          {startProblem ? <ProblemMessage problem={startProblem} /> : null}
          {start.error ? <ErrorMessage error={start.error} /> : null}
        </div>
        <section
          className="panel"
          aria-labelledby="check-title"
          aria-live="polite"
          data-testid="plan-check"
        >
          <h2 id="check-title">What this plan would do</h2>
          {!plan.trim() ? (
            <Empty>
              Paste a plan or choose a file: it is checked as you type.
            </Empty>
          ) : !current || (check.isPending && checking) ? (
            <Loading what="Checking the plan" />
          ) : check.isError ? (
            <ErrorMessage error={check.error} />
          ) : answer ? (
            <CheckAnswer answer={answer} />
          ) : null}
        </section>
      </div>
    </Page>
  );
}

function CheckAnswer({
  answer,
}: {
  readonly answer: CheckRolloutPlanQuery["checkRolloutPlan"];
}) {
  if (answer.__typename !== "RolloutPlanCheck") {
    return <ProblemMessage problem={answer} />;
  }
  return (
    <div data-testid="plan-valid">
      <p>
        <span className="badge badge-ok">
          <span aria-hidden="true">✓</span> valid
        </span>{" "}
        Rolls out <strong>{answer.template}</strong> {answer.version} to the{" "}
        <strong>{answer.environment}</strong> instances in {answer.waves.length}{" "}
        wave
        {answer.waves.length === 1 ? "" : "s"}.
      </p>
      {answer.warnings.map((warning, i) => (
        <p key={i}>
          <span className="badge badge-warn">⚠ warning</span> {warning}
        </p>
      ))}
      <table>
        <caption>Waves, with the sites resolved now</caption>
        <thead>
          <tr>
            <th scope="col">Wave</th>
            <th scope="col">Sites</th>
            <th scope="col">Gates after it</th>
          </tr>
        </thead>
        <tbody>
          {answer.waves.map((wave) => (
            <tr key={wave.name}>
              <th scope="row">{wave.name}</th>
              <td>{wave.sites.join(", ") || "none"}</td>
              <td>{wave.gates.join("; ") || "none"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {answer.estimates.length ? (
        <table>
          <caption>What each kpiGuard needs to decide</caption>
          <thead>
            <tr>
              <th scope="col">Wave</th>
              <th scope="col">Metric</th>
              <th scope="col" className="num">
                Max drop
              </th>
              <th scope="col" className="num">
                Baseline
              </th>
              <th scope="col" className="num">
                Units needed
              </th>
              <th scope="col" className="num">
                Days needed
              </th>
              <th scope="col" className="num">
                Window
              </th>
              <th scope="col">Enough?</th>
            </tr>
          </thead>
          <tbody>
            {answer.estimates.map((e) => (
              <tr key={`${e.wave}-${e.metric}`}>
                <th scope="row">{e.wave}</th>
                <td>{e.metric}</td>
                <td className="num">{pct(e.maxDrop)}</td>
                <td className="num">{pct(e.baseline)}</td>
                <td className="num">{e.unitsNeeded}</td>
                <td className="num">
                  {e.daysNeeded == null ? "—" : e.daysNeeded.toFixed(1)}
                </td>
                <td className="num">{e.windowDays} d</td>
                <td>
                  {e.enough
                    ? "✓ yes"
                    : `⚠ no${e.warning ? `: ${e.warning}` : ""}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
