// What a page shows while it loads, when a request fails, and when there is nothing to show.
import type { ReactNode } from "react";

import { GraphQLRequestError } from "../api/client";

/** What an operation selects of a problem (`... on Problem { code message }` and violations). */
export interface ProblemView {
  readonly __typename?: string;
  readonly code: string;
  readonly message: string;
  readonly violations?: readonly { readonly path: string; readonly reason: string }[];
}

export function Loading({ what = "Loading" }: { readonly what?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

export function ErrorMessage({ error }: { readonly error: Error }) {
  const code = error instanceof GraphQLRequestError ? error.code : undefined;
  return (
    <div className="state state-error" role="alert">
      {code ? <strong className="code">{code}</strong> : null} {error.message}
    </div>
  );
}

export function Empty({ children }: { readonly children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** A mutation's typed problem: its code, message and, for ValidationFailed, each violation. */
export function ProblemMessage({ problem }: { readonly problem: ProblemView }) {
  return (
    <div className="state state-error" role="alert">
      <strong className="code">{problem.code}</strong> {problem.message}
      {problem.violations?.length ? (
        <ul className="violations">
          {problem.violations.map((violation, index) => (
            <li key={index}>
              <code>{violation.path || "/"}</code> {violation.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
