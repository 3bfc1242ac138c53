// The Sites pages' form pieces: a labelled control (the label names only its control, not the
// options inside it), a select over a list of options, and the filters form around them.
import { useId } from "react";
import type { ReactElement, ReactNode } from "react";

import { METRICS, PERIODS } from "./logic";
import type { Choice } from "./logic";
import type { UrlChanges } from "./url";

export function Field({
  label,
  children,
}: {
  readonly label: string;
  readonly children: (id: string) => ReactElement;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** A labelled select; `all` adds a first, empty option (e.g. "All regions"). */
export function SelectField({
  label,
  value,
  options,
  onChange,
  all,
  disabled,
}: {
  readonly label: string;
  readonly value: string;
  readonly options: readonly Choice[];
  readonly onChange: (value: string) => void;
  readonly all?: string;
  readonly disabled?: boolean;
}) {
  return (
    <Field label={label}>
      {(id) => (
        <select
          id={id}
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value)}
        >
          {all === undefined ? null : <option value="">{all}</option>}
          {options.map((entry) => (
            <option key={entry.value} value={entry.value}>
              {entry.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The filters above a Sites view (they act as they change: nothing to submit). */
export function Filters({
  label,
  children,
}: {
  readonly label: string;
  readonly children: ReactNode;
}) {
  return (
    <form
      className="filters sites-filters"
      aria-label={label}
      onSubmit={(event) => event.preventDefault()}
    >
      {children}
    </form>
  );
}

/** The metric of a report (the URL's `metric`). */
export function MetricField({
  value,
  options = METRICS,
  update,
}: {
  readonly value: string;
  readonly options?: readonly Choice[];
  readonly update: (changes: UrlChanges) => void;
}) {
  return (
    <SelectField
      label="Metric"
      value={value}
      options={options}
      onChange={(metric) => update({ metric })}
    />
  );
}

/** Day, week or month (the URL's `period`). */
export function PeriodField({
  label,
  value,
  update,
}: {
  readonly label: string;
  readonly value: string;
  readonly update: (changes: UrlChanges) => void;
}) {
  return (
    <SelectField
      label={label}
      value={value}
      options={PERIODS}
      onChange={(period) => update({ period })}
    />
  );
}
