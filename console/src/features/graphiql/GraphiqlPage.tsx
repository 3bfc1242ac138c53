import { useGraphiQL } from "@graphiql/react";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { type FormEvent, useEffect, useMemo, useState } from "react";

import { paths } from "../../config/paths";
import { cleanToken, storedToken, storeToken, tokenHint, withAuthorization } from "./token";

/** A token field above GraphiQL; the token goes into GraphiQL's request headers editor. */
export function GraphiqlPage() {
  const [token, setToken] = useState(storedToken);
  const fetcher = useMemo(() => createGraphiQLFetcher({ url: paths.graphql }), []);

  const applyToken = (pasted: string) => {
    const cleaned = cleanToken(pasted);
    storeToken(cleaned);
    setToken(cleaned);
  };

  return (
    <div className="coe-graphiql">
      <TokenBar token={token} onToken={applyToken} />
      <GraphiQL
        fetcher={fetcher}
        storage={sessionStorage}
        initialHeaders={withAuthorization("", token)}
        defaultEditorToolsVisibility="headers"
        shouldPersistHeaders={false}
        showPersistHeadersSettings={false}
      >
        <GraphiQL.Footer>
          <HeadersFollowToken token={token} />
        </GraphiQL.Footer>
      </GraphiQL>
    </div>
  );
}

function TokenBar({ token, onToken }: { token: string; onToken: (pasted: string) => void }) {
  const [pasted, setPasted] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onToken(pasted);
    setPasted("");
  };
  return (
    <form className="coe-token-bar" onSubmit={submit} aria-label="Bearer token">
      <label htmlFor="coe-token">Bearer token</label>
      <input
        id="coe-token"
        name="token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder="paste a token, e.g. the contents of .coe/tokens/coe_architect"
        value={pasted}
        onChange={(event) => setPasted(event.target.value)}
      />
      <button type="submit" disabled={!cleanToken(pasted)}>
        Use token
      </button>
      <button type="button" disabled={!token} onClick={() => onToken("")}>
        Forget
      </button>
      <output className="coe-token-state" htmlFor="coe-token">
        {token
          ? `Requests send Authorization: Bearer ${tokenHint(token)} (kept in this tab only)`
          : "No token: requests are refused with UNAUTHENTICATED"}
      </output>
    </form>
  );
}

/** Rewrites the Authorization line of the headers editor whenever the token changes. */
function HeadersFollowToken({ token }: { token: string }) {
  const headerEditor = useGraphiQL((state) => state.headerEditor);
  useEffect(() => {
    if (!headerEditor) return;
    const updated = withAuthorization(headerEditor.getValue(), token);
    if (updated !== headerEditor.getValue()) headerEditor.setValue(updated);
  }, [headerEditor, token]);
  return <span className="coe-footer-hint">Authorization comes from the token field above.</span>;
}
