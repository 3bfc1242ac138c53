// /transfers/new: plan a transfer. Choose the template, the source and the target (in the URL)
// and the terms; the API computes the package (transferPackage: nothing is written) — carried
// values, the decisions the target makes, equipment, blockers, what differs — and the NPI
// engineer starts it (startTransfer), unless something blocks it.
import { useId, useMemo, useState } from "react";
import type { FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";

import { isProblem } from "../../api/client";
import { useApiMutation, useApiQuery } from "../../api/hooks";
import { useSession } from "../../auth/AuthContext";
import { hasRole } from "../../auth/session";
import { Page } from "../../components/Page";
import { ProblemLine } from "../../components/ReasonDialog";
import { Empty, ErrorMessage, Loading } from "../../components/States";
import type { ProblemView } from "../../components/States";
import {
  StartTransferDocument,
  TransferOptionsDocument,
  TransferPackagePreviewDocument,
} from "../../generated/graphql";
import type { TransferPackagePreviewQuery } from "../../generated/graphql";
import { choicesOf, pct, show } from "./model";
import { useDebounced } from "../../components/useDebounced";
import { useAllSites } from "../../api/useAllSites";

const DEFAULT_TOLERANCE = "0.02";
const DEFAULT_MIN_UNITS = "200";

const DEBOUNCE_MS = 350;

export function TransferNew() {
  const session = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const template = params.get("template") ?? "";
  const fromSite = params.get("from") ?? "";
  const toSite = params.get("to") ?? "";
  const [tolerance, setTolerance] = useState(DEFAULT_TOLERANCE);
  const [minUnits, setMinUnits] = useState(DEFAULT_MIN_UNITS);
  const [baselineVersion, setBaselineVersion] = useState("");
  const [baselineWindow, setBaselineWindow] = useState("");
  const [window, setWindow] = useState("30d");
  const [reason, setReason] = useState("");
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<ProblemView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const options = useApiQuery(TransferOptionsDocument, {});
  const allSites = useAllSites();
  const start = useApiMutation(StartTransferDocument);
  const mayStart = hasRole(session, "npi_engineer");

  function choose(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setTexts({});
    setProblem(null);
  }

  const toleranceNumber = Number(tolerance);
  const minUnitsNumber = Number.parseInt(minUnits, 10);
  const termsValid =
    tolerance.trim() !== "" &&
    Number.isFinite(toleranceNumber) &&
    Number.isInteger(minUnitsNumber) &&
    String(minUnitsNumber) === minUnits.trim();
  const chosen = !!template && !!fromSite && !!toSite && fromSite !== toSite;

  const [sourceValues, setSourceValues] = useState<Record<string, unknown>>({});
  const [decided, setDecided] = useState<unknown>(null);
  const asked = useDebounced(
    useMemo(
      () => ({
        template,
        fromSite,
        toSite,
        choices: choicesOf(texts, sourceValues),
        baselineVersion: baselineVersion.trim() || null,
        baselineWindow: baselineWindow.trim() || null,
        tolerance: termsValid ? toleranceNumber : 0.02,
        minUnits: termsValid ? minUnitsNumber : 200,
      }),
      [
        template,
        fromSite,
        toSite,
        texts,
        sourceValues,
        baselineVersion,
        baselineWindow,
        termsValid,
        toleranceNumber,
        minUnitsNumber,
      ],
    ),
    DEBOUNCE_MS,
  );
  const preview = useApiQuery(TransferPackagePreviewDocument, asked, {
    enabled: chosen && termsValid && asked.template === template,
  });
  // the current package, or the previous one of the same template and sites while the next
  // loads (so the decision inputs stay while the user types)
  const [kept, setKept] = useState<Package | null>(null);
  const pkg = preview.data?.transferPackage;
  if (pkg && pkg !== kept) setKept(pkg);
  const last = pkg ?? kept;
  const shown =
    chosen && last && last.template === template && last.source === fromSite && last.target === toSite
      ? last
      : null;

  if (shown && shown.decisions !== decided) {
    // the source's values type the choices (state adjusted in render, not in an effect)
    setDecided(shown.decisions);
    const values: Record<string, unknown> = {};
    for (const d of shown.decisions) values[d.parameter] = d.sourceValue;
    if (JSON.stringify(values) !== JSON.stringify(sourceValues)) setSourceValues(values);
  }

  const blocked = !shown || preview.isFetching || shown.blockers.length > 0;
  const why = !chosen
    ? "choose a template, a source and a different target"
    : !termsValid
      ? "the tolerance must be a number and the minimum units a whole number"
      : !shown || preview.isFetching
        ? "the package is being computed"
        : shown.blockers.length > 0
          ? `${shown.blockers.length} blocker${shown.blockers.length === 1 ? "" : "s"} (see Blockers)`
          : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (blocked || !mayStart) return;
    setProblem(null);
    setFailure(null);
    try {
      const answer = await start.mutateAsync({
        input: {
          template,
          fromSite,
          toSite,
          tolerance: toleranceNumber,
          minUnits: minUnitsNumber,
          window: window.trim() || "30d",
          baselineVersion: baselineVersion.trim() || null,
          baselineWindow: baselineWindow.trim() || null,
          reason: reason.trim() || null,
        },
      });
      const result = answer.startTransfer;
      if (isProblem(result)) {
        setProblem(result);
        return;
      }
      void navigate(`/transfers/${encodeURIComponent(result.id)}`);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  }

  const templates = options.data?.templates.nodes ?? [];
  const sites = allSites.data ?? [];
  return (
    <Page title="Plan a transfer" subtitle="Preview the package the API computes; nothing is written until you start">
      {options.isPending || allSites.isPending ? <Loading what="Loading templates and sites" /> : null}
      {options.error ? <ErrorMessage error={options.error} /> : null}
      {allSites.error ? <ErrorMessage error={allSites.error} /> : null}
      <form className="transfer-plan" onSubmit={(event) => void submit(event)} aria-label="Transfer plan">
        <fieldset className="panel">
          <legend>What and where</legend>
          <div className="filters">
            <label>
              Template
              <select value={template} onChange={(e) => choose("template", e.target.value)} required>
                <option value="">Choose a template</option>
                {templates.map((t) => (
                  <option key={t.key} value={t.key}>
                    {t.key} — {t.title}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Source site
              <select value={fromSite} onChange={(e) => choose("from", e.target.value)} required>
                <option value="">Choose the source</option>
                {sites.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.key} — {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Target site
              <select value={toSite} onChange={(e) => choose("to", e.target.value)} required>
                <option value="">Choose the target</option>
                {sites
                  .filter((s) => s.key !== fromSite)
                  .map((s) => (
                    <option key={s.key} value={s.key}>
                      {s.key} — {s.name}
                    </option>
                  ))}
              </select>
            </label>
          </div>
        </fieldset>
        <fieldset className="panel">
          <legend>Terms and baseline</legend>
          <div className="filters">
            <label>
              Tolerance (fraction)
              <input
                inputMode="decimal"
                value={tolerance}
                onChange={(e) => setTolerance(e.target.value)}
                aria-describedby="tolerance-help"
                size={8}
              />
            </label>
            <label>
              Minimum units
              <input inputMode="numeric" value={minUnits} onChange={(e) => setMinUnits(e.target.value)} size={8} />
            </label>
            <label>
              Baseline version
              <input
                value={baselineVersion}
                onChange={(e) => setBaselineVersion(e.target.value)}
                placeholder="default"
                size={10}
              />
            </label>
            <label>
              Baseline window
              <input
                value={baselineWindow}
                onChange={(e) => setBaselineWindow(e.target.value)}
                placeholder="30d or FROM..TO"
                size={22}
              />
            </label>
            <label>
              Qualification window
              <input value={window} onChange={(e) => setWindow(e.target.value)} size={8} />
            </label>
          </div>
          <p id="tolerance-help" className="hint">
            The target qualifies when the lower end of the 95 % interval of (target − source)
            right-first-time is at least −tolerance (0.02 = 2 points) over at least the minimum
            units.
          </p>
        </fieldset>

        {!chosen ? <Empty>Choose a template, a source and a target to see the package.</Empty> : null}
        {chosen && preview.error ? <ErrorMessage error={preview.error} /> : null}
        {chosen && !shown && !preview.error ? <Loading what="Computing the package" /> : null}
        {shown ? (
          <PackageView
            pkg={shown}
            texts={texts}
            setText={(parameter, value) => setTexts((old) => ({ ...old, [parameter]: value }))}
            updating={preview.isFetching}
          />
        ) : null}

        {mayStart ? (
          <fieldset className="panel">
            <legend>Start</legend>
            <label>
              Reason (kept in the audit trail)
              <input value={reason} onChange={(e) => setReason(e.target.value)} size={60} />
            </label>
            <ProblemLine problem={problem} failure={failure} />
            <div className="page-actions transfer-start">
              <button type="submit" disabled={blocked || start.isPending} aria-describedby="start-why">
                {start.isPending ? "Starting…" : "Start transfer"}
              </button>
              <span id="start-why" className="hint" data-testid="start-why">
                {why ? `Cannot start yet: ${why}.` : "Ready to start: the target's site admin completes the overlay next."}
              </span>
            </div>
          </fieldset>
        ) : (
          <p className="hint">Only an NPI engineer starts a transfer.</p>
        )}
      </form>
    </Page>
  );
}

type Package = TransferPackagePreviewQuery["transferPackage"];

function PackageView({
  pkg,
  texts,
  setText,
  updating,
}: {
  readonly pkg: Package;
  readonly texts: Readonly<Record<string, string>>;
  readonly setText: (parameter: string, value: string) => void;
  readonly updating: boolean;
}) {
  const carried = Object.entries((pkg.carried ?? {}) as Record<string, unknown>);
  const idPrefix = useId();
  const b = pkg.baseline;
  return (
    <section className="transfer-package" aria-labelledby={`${idPrefix}-pkg`} aria-busy={updating}>
      <h2 id={`${idPrefix}-pkg`}>
        Package: {pkg.template}@{pkg.version} {pkg.source} → {pkg.target}{" "}
        <span className={`badge ${pkg.ready ? "badge-ok" : pkg.blockers.length ? "badge-bad" : "badge-warn"}`} data-testid="package-ready">
          {pkg.ready ? "ready" : pkg.blockers.length ? "blocked" : "decisions to make"}
        </span>
      </h2>
      <dl className="facts">
        <dt>Source definition sha256</dt>
        <dd>
          <code>{pkg.sourceSha256}</code>
        </dd>
        <dt>Proposed target sha256</dt>
        <dd>
          <code>{pkg.targetSha256 ?? "—"}</code>
        </dd>
        <dt>Baseline</dt>
        <dd data-testid="package-baseline">
          {b.version}, {b.from} to {b.to} (excluded): right-first-time {pct(b.rightFirstTime.value)} [
          {pct(b.rightFirstTime.low)}, {pct(b.rightFirstTime.high)}] ({b.rightFirstTime.numerator}/
          {b.rightFirstTime.denominator} units), {b.batchesReleased} batches released
        </dd>
      </dl>
      {pkg.warnings.length ? (
        <div className="state state-info" role="note" data-testid="package-warnings">
          <strong>Warnings</strong>
          <ul>
            {pkg.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <h3>Blockers</h3>
      {pkg.blockers.length ? (
        <ul className="state state-error" data-testid="package-blockers">
          {pkg.blockers.map((v, i) => (
            <li key={i}>
              <code>{v.path || "/"}</code> {v.reason}
            </li>
          ))}
        </ul>
      ) : (
        <p data-testid="package-blockers-none">None: nothing blocks this transfer.</p>
      )}

      <h3>Carried over from {pkg.source}</h3>
      {carried.length ? (
        <table data-testid="package-carried">
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {carried.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{show(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No values carried over.</p>
      )}
      {pkg.carriedSteps.length ? <p>Extension steps carried over: {pkg.carriedSteps.join(", ")}</p> : null}

      <h3>Decisions the target makes</h3>
      {pkg.decisions.length ? (
        <>
          <p className="hint">
            These values belong to {pkg.target}: try them here to check the package; the target&apos;s
            site admin sets them when completing the overlay.
          </p>
          <table data-testid="package-decisions">
            <thead>
              <tr>
                <th scope="col">Parameter</th>
                <th scope="col">Source value</th>
                <th scope="col">Target value</th>
                <th scope="col">State</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {pkg.decisions.map((d) => (
                <tr key={d.parameter} data-parameter={d.parameter}>
                  <th scope="row">{d.parameter}</th>
                  <td>{show(d.sourceValue)}</td>
                  <td>
                    <input
                      aria-label={`Target value of ${d.parameter}`}
                      value={texts[d.parameter] ?? ""}
                      onChange={(e) => setText(d.parameter, e.target.value)}
                    />
                  </td>
                  <td>{d.resolved ? `chosen: ${show(d.chosen)}` : "to choose"}</td>
                  <td className="hint">{d.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p>No decisions: every value is carried over.</p>
      )}

      <h3>Equipment check at {pkg.target}</h3>
      <table data-testid="package-equipment">
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col">Equipment class</th>
            <th scope="col">At the target</th>
          </tr>
        </thead>
        <tbody>
          {pkg.equipment.map((e) => (
            <tr key={`${e.operation}/${e.equipmentClass}`}>
              <th scope="row">{e.operation}</th>
              <td>{e.equipmentClass}</td>
              <td>
                {e.where.length ? (
                  <>
                    <span className="badge badge-ok">found</span> {e.where.join(", ")}
                  </>
                ) : (
                  <span className="badge badge-bad">missing</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>What differs (source → proposed target)</h3>
      {pkg.changes.length ? (
        <table data-testid="package-changes">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">At {pkg.source}</th>
              <th scope="col">At {pkg.target}</th>
            </tr>
          </thead>
          <tbody>
            {pkg.changes.map((c) => (
              <tr key={c.path}>
                <th scope="row">
                  <code>{c.path}</code>
                </th>
                <td>{show(c.before)}</td>
                <td>{show(c.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Nothing differs.</p>
      )}
    </section>
  );
}
