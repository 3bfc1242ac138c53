// How this installation signs in, asked once per page load (it changes only with a restart).
import { useQuery } from "@tanstack/react-query";

import { fetchAuthConfig } from "./oidc";
import type { AuthConfig } from "./oidc";

export function useAuthConfig() {
  return useQuery<AuthConfig, Error>({
    queryKey: ["auth-config"],
    queryFn: fetchAuthConfig,
    staleTime: Infinity,
    retry: 1,
  });
}
