// The Sites pages keep their whole view in the URL's query string.
import { useSearchParams } from "react-router";

import { withChanges } from "./logic";

/** A change to the URL's query values: a value sets its key, null clears it. */
export type UrlChanges = Record<string, string | null | undefined>;

/** Read the query string and set or clear values in it (a new history entry: back returns to
 * the previous view). */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const update = (changes: UrlChanges) => {
    setParams(withChanges(params, changes));
  };
  return [params, update] as const;
}
