// The overlay editor: CodeMirror 6 with YAML highlighting, validated as one types through the
// API's `validateOverlay` (@codemirror/lint, debounced), each violation marked at the line its
// JSON pointer names.
import { yaml } from "@codemirror/lang-yaml";
import { linter, lintGutter } from "@codemirror/lint";
import type { Diagnostic } from "@codemirror/lint";
import { EditorView, basicSetup } from "codemirror";
import { useEffect, useRef } from "react";

import { GraphQLRequestError, request } from "../../api/client";
import { useAuth } from "../../auth/AuthContext";
import { MySiteValidateDocument } from "../../generated/graphql";
import { pointerRange, syntaxErrorRange } from "./pointer";

export interface LocatedViolation {
  readonly path: string;
  readonly reason: string;
  readonly severity: string;
  /** 1-based line in the text, when the pointer (or a parent) is in it. */
  readonly line: number | undefined;
  /** Whether the line is that of the pointer itself (false: its nearest existing parent). */
  readonly exact: boolean;
}

export interface ValidationState {
  readonly text: string;
  readonly violations: readonly LocatedViolation[];
  readonly error?: string;
}

export function OverlayEditor({
  initial,
  onChange,
  onValidated,
}: {
  readonly initial: string;
  readonly onChange: (text: string) => void;
  readonly onValidated: (state: ValidationState) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const { session, expire } = useAuth();
  // The latest callbacks and token, read by the editor's long-lived extensions.
  const latest = useRef({ onChange, onValidated, token: session?.token, expire });
  useEffect(() => {
    latest.current = { onChange, onValidated, token: session?.token, expire };
  });

  useEffect(() => {
    if (!host.current) return;
    const validate = linter(
      async (view): Promise<Diagnostic[]> => {
        const text = view.state.doc.toString();
        let answer;
        try {
          answer = await request(MySiteValidateDocument, { source: text }, latest.current.token);
        } catch (error) {
          if (error instanceof GraphQLRequestError && error.code === "UNAUTHENTICATED") {
            latest.current.expire();
          }
          latest.current.onValidated({
            text,
            violations: [],
            error: error instanceof Error ? error.message : String(error),
          });
          return [];
        }
        if (view.state.doc.toString() !== text) return []; // typed on meanwhile: next run
        const located: LocatedViolation[] = [];
        const diagnostics: Diagnostic[] = [];
        for (const violation of answer.validateOverlay.violations) {
          // The whole document's violation on text that is no YAML: mark where it breaks.
          const root = violation.path === "" || violation.path === "/";
          const range = (root ? syntaxErrorRange(text) : undefined) ?? pointerRange(text, violation.path);
          located.push({
            path: violation.path,
            reason: violation.reason,
            severity: violation.severity,
            line: range?.line,
            exact: range?.exact ?? false,
          });
          diagnostics.push({
            from: range?.from ?? 0,
            to: range?.to ?? Math.min(text.length, 1),
            severity: violation.severity === "WARNING" ? "warning" : "error",
            source: violation.path || "/",
            message: violation.reason,
          });
        }
        latest.current.onValidated({ text, violations: located });
        return diagnostics;
      },
      { delay: 300 },
    );
    const view = new EditorView({
      parent: host.current,
      doc: initial,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        validate,
        EditorView.contentAttributes.of({ "aria-label": "Overlay YAML", "aria-multiline": "true" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current.onChange(update.state.doc.toString());
        }),
      ],
    });
    return () => view.destroy();
    // The editor is made once per document loaded; `initial` changes make a new one.
  }, [initial]);

  return <div className="overlay-editor" ref={host} data-testid="overlay-editor" />;
}
