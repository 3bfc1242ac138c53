// The Sites pages' tables and the states around a request's answer.
import type { ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";

import { ErrorMessage, Loading } from "../../components/States";

export interface Column {
  readonly label: ReactNode;
  /** A number column: right-aligned. */
  readonly num?: boolean;
}

/** A table named by the heading `titleId` (given here as `title`, or already on the page), with
 * its column headers; rows are the children. */
export function SitesTable({
  title,
  titleId,
  testId,
  columns,
  wrap = true,
  children,
}: {
  readonly title?: ReactNode;
  readonly titleId: string;
  readonly testId: string;
  readonly columns: readonly Column[];
  /** Inside a horizontally scrolling wrapper (wide tables). */
  readonly wrap?: boolean;
  readonly children: ReactNode;
}) {
  const table = (
    <table
      className="sites-table"
      aria-labelledby={titleId}
      data-testid={testId}
    >
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th
              key={index}
              scope="col"
              className={column.num ? "num" : undefined}
            >
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      {children}
    </table>
  );
  return (
    <>
      {title === undefined ? null : <h2 id={titleId}>{title}</h2>}
      {wrap ? <div className="sites-table-wrap">{table}</div> : table}
    </>
  );
}

/** While a request loads, say so; when it fails, show why; else show its answer. */
export function Loaded<TData>({
  query,
  what,
  children,
}: {
  readonly query: UseQueryResult<TData, Error>;
  readonly what: string;
  readonly children: (data: TData) => ReactNode;
}) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError) return <ErrorMessage error={query.error} />;
  return <>{children(query.data)}</>;
}
