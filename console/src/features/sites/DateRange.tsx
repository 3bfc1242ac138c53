// The window of a report: first day and last day (the URL's `to` is the API's, the day after).
import { Empty } from "../../components/States";
import { Field } from "./Field";
import { addDays } from "./logic";
import type { UrlChanges } from "./url";

export function DateRange({
  from,
  to,
  shownFrom,
  shownTo,
  onChange,
}: {
  readonly from: string | undefined;
  readonly to: string | undefined;
  /** The report's own window (the API's default when the URL names none). */
  readonly shownFrom: string | undefined;
  readonly shownTo: string | undefined;
  readonly onChange: (changes: UrlChanges) => void;
}) {
  const last = to ?? shownTo;
  return (
    <>
      <Field label="From">
        {(id) => (
          <input
            id={id}
            type="date"
            value={from ?? shownFrom ?? ""}
            onChange={(event) => onChange({ from: event.target.value || null })}
          />
        )}
      </Field>
      <Field label="Through">
        {(id) => (
          <input
            id={id}
            type="date"
            value={last ? addDays(last, -1) : ""}
            onChange={(event) =>
              onChange({
                to: event.target.value ? addDays(event.target.value, 1) : null,
              })
            }
          />
        )}
      </Field>
    </>
  );
}

/** A window without data: says so, and offers the days that hold data. */
export function EmptyRange({
  warning,
  range: { dataFrom, dataTo },
  onRange,
}: {
  readonly warning: string;
  /** The report, for the first and last day that hold data. */
  readonly range: {
    readonly dataFrom?: string | null;
    readonly dataTo?: string | null;
  };
  readonly onRange: (changes: UrlChanges) => void;
}) {
  return (
    <Empty>
      <p>{warning}</p>
      {dataFrom && dataTo ? (
        <p className="sites-empty-actions">
          <button
            type="button"
            onClick={() => onRange({ from: dataFrom, to: addDays(dataTo, 1) })}
          >
            Show {dataFrom} – {dataTo}
          </button>
        </p>
      ) : (
        <p>There is no data at all yet for these filters.</p>
      )}
    </Empty>
  );
}
