// Every path of the API the console talks to, in one place.
export const paths = {
  graphql: "/graphql",
  signIn: "/api/v1/auth/sign-in",
  authConfig: "/api/v1/auth/config",
} as const;
