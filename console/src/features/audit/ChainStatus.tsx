// The audit chain's verification, as the API computes it now (auditChain, auditor only):
// intact or not, how many records, the head and the anchor kept outside the database, and
// every finding (where the chain breaks).
import { Link } from "react-router";

import { useApiQuery } from "../../api/hooks";
import { ErrorMessage, Loading } from "../../components/States";
import { AuditChainDocument } from "../../generated/graphql";

/** `seq`: a record the page shows, to say whether the latest anchor already covers it. */
export function ChainStatus({ seq }: { readonly seq?: number } = {}) {
  const chain = useApiQuery(AuditChainDocument, {});
  return (
    <section
      className="panel audit-chain"
      aria-labelledby="audit-chain-title"
      data-testid="audit-chain"
    >
      <h2 id="audit-chain-title">Chain verification</h2>
      {chain.isPending ? (
        <Loading what="Verifying the chain" />
      ) : chain.error ? (
        <ErrorMessage error={chain.error} />
      ) : (
        <>
          <p>
            {chain.data.auditChain.intact ? (
              <span className="badge badge-ok" data-testid="chain-verdict">
                ✓ Verified: no tampering found
              </span>
            ) : (
              <span className="badge badge-bad" data-testid="chain-verdict">
                ✗ Not verified: the chain is broken
              </span>
            )}{" "}
            <button
              type="button"
              className="button-quiet"
              onClick={() => void chain.refetch()}
            >
              {chain.isFetching ? "Verifying…" : "Verify again"}
            </button>
          </p>
          <dl className="facts">
            <dt>Records verified</dt>
            <dd data-testid="chain-records">{chain.data.auditChain.records}</dd>
            <dt>Head</dt>
            <dd>
              {chain.data.auditChain.headSeq === null ? (
                "—"
              ) : (
                <>
                  seq{" "}
                  <span data-testid="chain-head-seq">
                    {chain.data.auditChain.headSeq}
                  </span>{" "}
                  <code className="audit-hash">
                    {chain.data.auditChain.headHash}
                  </code>
                </>
              )}
            </dd>
            <dt>Anchor</dt>
            <dd data-testid="chain-anchor">
              {chain.data.auditChain.anchoredSeq === null
                ? "no anchor recorded yet"
                : `checked against the anchor at seq ${chain.data.auditChain.anchoredSeq}`}
            </dd>
            {seq !== undefined ? (
              <>
                <dt>This record</dt>
                <dd data-testid="chain-this-record">
                  {chain.data.auditChain.findings.some(
                    (finding) => finding.seq === seq,
                  )
                    ? `seq ${seq} is among the findings below`
                    : chain.data.auditChain.anchoredSeq !== null &&
                        seq <= chain.data.auditChain.anchoredSeq
                      ? `seq ${seq} is covered by the anchor`
                      : `seq ${seq} is newer than the latest anchor (verified by the chain only)`}
                </dd>
              </>
            ) : null}
          </dl>
          {chain.data.auditChain.findings.length ? (
            <>
              <h3>Where it breaks</h3>
              <ul className="audit-findings" data-testid="chain-findings">
                {chain.data.auditChain.findings.map((finding, index) => (
                  <li key={index}>
                    <Link to={`/audit/${finding.seq}`}>seq {finding.seq}</Link>:{" "}
                    <strong>{finding.kind}</strong> — {finding.detail}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
