// The forms of a testing session: a manual result, e-signed with the meaning "tested" in the one
// SignatureDialog, and a deviation opened against the record (a test case optional).
import { useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import type { FormEvent } from "react";

import { isProblem } from "../../api/client";
import { useApiMutation } from "../../api/hooks";
import { SignatureDialog } from "../../components/signature/SignatureDialog";
import type { SignTarget } from "../../components/signature/SignatureDialog";
import { ErrorMessage, ProblemMessage } from "../../components/States";
import type { ProblemView } from "../../components/States";
import {
  ValidationOpenDeviationDocument,
  ValidationRecordResultDocument,
} from "../../generated/graphql";
import type { ValidationOutcome } from "../../generated/graphql";
import { manualChoices } from "./model";
import type { RecordView } from "./model";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function ManualResultForm({ record }: { readonly record: RecordView }) {
  const queries = useQueryClient();
  const choices = manualChoices(record);
  const headingId = useId();
  const [testCase, setTestCase] = useState(choices[0] ?? "");
  const [outcome, setOutcome] = useState<ValidationOutcome>("PASS");
  const [actual, setActual] = useState("");
  const [signing, setSigning] = useState<SignTarget | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // The result's record id is known only once it is stored: the dialog looks its signature up
  // under the id the mutation answers (validation_result <template>@<version>/<TC>#<id>).
  const target = useRef<Mutable<SignTarget> | null>(null);
  const mutation = useApiMutation(ValidationRecordResultDocument);
  const label = `${record.template}@${record.version}`;

  function start(event: FormEvent) {
    event.preventDefault();
    if (!testCase || !actual.trim()) return;
    setDone(null);
    const made: Mutable<SignTarget> = {
      entityType: "validation_result",
      entityId: `${label}/${testCase}`,
      label: `${outcome === "PASS" ? "Pass" : "Fail"} of ${testCase} — validation of ${label}`,
      meaning: "tested",
      contentSha256: null,
      details: (
        <dl className="facts">
          <dt>Test case</dt>
          <dd>{testCase}</dd>
          <dt>Outcome</dt>
          <dd>{outcome}</dd>
          <dt>Actual result</dt>
          <dd>{actual.trim()}</dd>
        </dl>
      ),
    };
    target.current = made;
    setSigning(made);
  }

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Record a manual result</h2>
      {record.status === "APPROVED" ? (
        <p className="muted">The record is concluded and frozen: no more results.</p>
      ) : (
        <form className="validation-form" onSubmit={start} data-testid="manual-result-form">
          <label>
            Test case
            <select value={testCase} onChange={(event) => setTestCase(event.target.value)}>
              {choices.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>Outcome</legend>
            {(["PASS", "FAIL"] as const).map((value) => (
              <label key={value} className="inline">
                <input
                  type="radio"
                  name="outcome"
                  value={value}
                  checked={outcome === value}
                  onChange={() => setOutcome(value)}
                />{" "}
                {value === "PASS" ? "Pass" : "Fail"}
              </label>
            ))}
          </fieldset>
          <label>
            Actual result
            <textarea
              name="actual"
              rows={3}
              required
              value={actual}
              onChange={(event) => setActual(event.target.value)}
            />
          </label>
          <div className="page-actions">
            <button type="submit" disabled={!testCase || !actual.trim()}>
              Sign as tested and record
            </button>
          </div>
          {mutation.isError ? <ErrorMessage error={mutation.error} /> : null}
          {done ? (
            <p className="state state-info" role="status">
              {done}
            </p>
          ) : null}
        </form>
      )}
      {signing ? (
        <SignatureDialog
          target={signing}
          onSign={async (signature) => {
            const { result } = await mutation.mutateAsync({
              template: record.template,
              version: record.version,
              testCase,
              outcome,
              actual: actual.trim(),
              signature,
            });
            if (isProblem(result)) return result;
            if (result.__typename === "RecordedValidationResult" && target.current) {
              target.current.entityId = `${label}/${result.result.testCase}#${result.result.id}`;
            }
            return null;
          }}
          onClose={(signed) => {
            setSigning(null);
            if (signed) {
              setDone(`Recorded ${testCase}: ${outcome.toLowerCase()}.`);
              setActual("");
              void queries.invalidateQueries();
            }
          }}
        />
      ) : null}
    </section>
  );
}

export function DeviationForm({ record }: { readonly record: RecordView }) {
  const queries = useQueryClient();
  const headingId = useId();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [testCase, setTestCase] = useState("");
  const [problem, setProblem] = useState<ProblemView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mutation = useApiMutation(ValidationOpenDeviationDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    const { result } = await mutation.mutateAsync({
      template: record.template,
      version: record.version,
      title: title.trim(),
      description: description.trim(),
      testCase: testCase || null,
    });
    if (isProblem(result)) {
      setProblem(result);
      return;
    }
    if (result.__typename === "ValidationDeviationChanged") {
      setDone(`Opened ${result.deviation.key}.`);
    }
    setTitle("");
    setDescription("");
    await queries.invalidateQueries();
  }

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Open a deviation</h2>
      {record.status === "APPROVED" ? (
        <p className="muted">The record is concluded and frozen.</p>
      ) : (
        <form
          className="validation-form"
          onSubmit={(event) => void submit(event).catch(() => undefined)}
          data-testid="deviation-form"
        >
          <label>
            Title
            <input
              name="title"
              required
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          </label>
          <label>
            What was found
            <textarea
              name="description"
              rows={3}
              required
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
          </label>
          <label>
            Test case (optional)
            <select value={testCase} onChange={(event) => setTestCase(event.target.value)}>
              <option value="">— none —</option>
              {manualChoices(record).map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          </label>
          <div className="page-actions">
            <button
              type="submit"
              disabled={mutation.isPending || !title.trim() || !description.trim()}
            >
              Open deviation
            </button>
          </div>
          {problem ? <ProblemMessage problem={problem} /> : null}
          {mutation.isError ? <ErrorMessage error={mutation.error} /> : null}
          {done ? (
            <p className="state state-info" role="status">
              {done}
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}
