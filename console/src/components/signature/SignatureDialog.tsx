// The one e-signature dialog (21 CFR Part 11 §11.50, §11.200): what is signed (the object, its
// content hash, a diff where there is one), the meaning, a reason and the signer's password
// (development) or a fresh sign-in at the identity provider (production) — then the
// manifestation: printed name, UTC date/time and meaning.
// Used by every page that signs: the caller runs its own mutation in `onSign`.
import { useId, useState } from "react";
import type { FormEvent, ReactNode } from "react";

import { request } from "../../api/client";
import { useSession } from "../../auth/AuthContext";
import { reauthenticate } from "../../auth/oidc";
import type { SignerInput } from "../../generated/graphql";
import { SignaturesOfDocument } from "../../generated/graphql";
import type { SignaturesOfQuery } from "../../generated/graphql";
import { ProblemLine, ReasonField, useModalDialog } from "../ReasonDialog";
import type { ProblemView } from "../States";
import { TextDiff } from "../TextDiff";

export interface SignTarget {
  /** As `signatures(entityType, entityId)` knows it, e.g. "template_version", "overlay". */
  readonly entityType: string;
  readonly entityId: string;
  /** What is signed, in words: "Template assembly-line 2.1.0". */
  readonly label: string;
  /** The meaning of the signature: approved, reviewed, released… */
  readonly meaning: string;
  /** sha256 of the exact content signed, where the page knows it. */
  readonly contentSha256?: string | null;
  /** The change being signed, as text before and after. */
  readonly diff?: { readonly before: string; readonly after: string } | null;
  /** Anything else the signer should see (a gate's wave, a transfer's step…). */
  readonly details?: ReactNode;
}

export type Signature = SignaturesOfQuery["signatures"][number];

export function SignatureDialog({
  target,
  onSign,
  onClose,
}: {
  readonly target: SignTarget;
  /** Run the signing mutation; answer its problem, or null when it signed. */
  readonly onSign: (signer: SignerInput) => Promise<ProblemView | null>;
  /** The dialog closed (signed or not). */
  readonly onClose: (signed: Signature | null) => void;
}) {
  const session = useSession();
  const dialog = useModalDialog();
  const titleId = useId();
  const [reason, setReason] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ProblemView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [signed, setSigned] = useState<Signature | null>(null);
  const viaProvider = session.via === "oidc";
  const [opened] = useState(() => Date.now());

  async function submit(event: FormEvent) {
    event.preventDefault();
    // Signed in at the identity provider: sign in there again, in a popup opened now, while
    // the browser still counts this as the user's click.
    const fresh = viaProvider ? reauthenticate() : null;
    setBusy(true);
    setProblem(null);
    setFailure(null);
    try {
      const signer: SignerInput = fresh
        ? { reason: reason.trim(), reauthToken: await fresh }
        : { reason: reason.trim(), username: session.subject, password };
      const answer = await onSign(signer);
      setPassword("");
      if (answer) {
        setProblem(answer);
        return;
      }
      // The signature may be stored a moment after the answer (a rollout's or a transfer's
      // workflow records it): wait for this signer's newest one, made after the dialog opened.
      const since = opened - CLOCK_SKEW_MS;
      const mine = await firstSignatureSince(target, session.subject, since, session.token);
      if (mine) setSigned(mine);
      else setFailure("Signed, but the signature record has not appeared yet: reload to see it.");
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  function close() {
    dialog.current?.close();
  }

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      className="signature-dialog"
      onClose={() => onClose(signed)}
    >
      <h2 id={titleId}>{signed ? "Signed" : `Sign: ${target.meaning}`}</h2>
      <dl className="facts">
        <dt>What</dt>
        <dd data-testid="sign-what">{target.label}</dd>
        <dt>Record</dt>
        <dd>
          <code>
            {target.entityType} {target.entityId}
          </code>
        </dd>
        {target.contentSha256 ? (
          <>
            <dt>Content sha256</dt>
            <dd>
              <code data-testid="sign-hash">{target.contentSha256}</code>
            </dd>
          </>
        ) : null}
        <dt>Meaning</dt>
        <dd>
          <strong>{target.meaning}</strong>
        </dd>
      </dl>
      {target.details}
      {target.diff ? (
        <TextDiff before={target.diff.before} after={target.diff.after} />
      ) : null}
      {signed ? (
        <div
          className="manifestation"
          data-testid="manifestation"
          role="status"
        >
          <p>
            <strong>{signed.printedName}</strong> · {formatUtc(signed.signedAt)}{" "}
            · <strong>{signed.meaning}</strong>
          </p>
          <p>Reason: {signed.reason}</p>
          <p className="mono">{signed.manifestation}</p>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      ) : (
        <form onSubmit={(event) => void submit(event)}>
          <p>
            Signing as <strong>{session.name}</strong> ({session.subject}). Your
            signature is the legally binding equivalent of your handwritten
            signature.
          </p>
          <ReasonField value={reason} onChange={setReason} />
          {viaProvider ? (
            <p>
              Signing opens your identity provider: sign in there again to sign.
            </p>
          ) : (
            <label>
              Password
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </label>
          )}
          <ProblemLine problem={problem} failure={failure} />
          <div className="page-actions">
            <button
              type="submit"
              disabled={busy || !reason.trim() || (!viaProvider && !password)}
            >
              {busy
                ? "Signing…"
                : viaProvider
                  ? "Sign in again and sign"
                  : "Sign"}
            </button>
            <button type="button" className="button-quiet" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

const CLOCK_SKEW_MS = 60_000; // the API's clock against this browser's
const WAIT_MS = 500;
const WAIT_TRIES = 40;

/** The signer's newest signature of `target` made at or after `since` (ms since the epoch),
 * waiting up to 20 s. */
async function firstSignatureSince(
  target: SignTarget,
  signer: string,
  since: number,
  token: string,
): Promise<Signature | null> {
  for (let attempt = 0; attempt < WAIT_TRIES; attempt += 1) {
    const { signatures } = await request(
      SignaturesOfDocument,
      { entityType: target.entityType, entityId: target.entityId },
      token,
    );
    const newest = signatures
      .filter(
        (signature) => signature.signerId === signer && Date.parse(signature.signedAt) >= since,
      )
      .sort((a, b) => b.signedAt.localeCompare(a.signedAt))[0];
    if (newest) return newest;
    await new Promise((resolve) => window.setTimeout(resolve, WAIT_MS));
  }
  return null;
}

/** "2026-12-02 11:30:05 UTC": the manifestation's date/time, always in UTC. */
export function formatUtc(iso: string): string {
  return `${new Date(iso).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}
