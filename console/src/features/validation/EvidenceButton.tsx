// Download the version's evidence package (PDF) from the API with the session's bearer token,
// and save it as the file the API names.
import { useState } from "react";

import { useAuth } from "../../auth/AuthContext";
import { downloadName, evidenceUrl } from "./model";

export function EvidenceButton({
  template,
  version,
}: {
  readonly template: string;
  readonly version: string;
}) {
  const { session, expire } = useAuth();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setFailure(null);
    setSaved(null);
    try {
      const response = await fetch(evidenceUrl(template, version, "pdf"), {
        headers: session ? { Authorization: `Bearer ${session.token}` } : {},
        credentials: "same-origin",
      });
      if (response.status === 401) {
        expire();
        return;
      }
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as {
          error?: string;
          message?: string;
        } | null;
        setFailure(
          body?.message
            ? `${body.error ?? response.status}: ${body.message}`
            : `the API answered HTTP ${response.status}`,
        );
        return;
      }
      const blob = await response.blob();
      const name = downloadName(
        response.headers.get("content-disposition"),
        `evidence-${template}-${version}.pdf`,
      );
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      const sha256 = response.headers.get("x-evidence-sha256");
      setSaved(sha256 ? `${name} (package sha256 ${sha256})` : name);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="evidence-download">
      <button type="button" onClick={() => void download()} disabled={busy}>
        {busy ? "Preparing the evidence…" : "Download evidence (PDF)"}
      </button>
      {saved ? (
        <span className="muted" role="status" data-testid="evidence-saved">
          Saved {saved}
        </span>
      ) : null}
      {failure ? (
        <span className="state state-error" role="alert" data-testid="evidence-failure">
          {failure}
        </span>
      ) : null}
    </span>
  );
}
