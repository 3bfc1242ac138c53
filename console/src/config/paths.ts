// Every path of the API the console talks to, in one place.
export const paths = {
  graphql: "/graphql",
  signIn: "/api/v1/auth/sign-in",
  authConfig: "/api/v1/auth/config",
  oidcToken: "/api/v1/auth/oidc/token",
  /** The console's own page that starts a fresh sign-in in the signing popup. */
  reauth: "/auth/reauth",
} as const;
