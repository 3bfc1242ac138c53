// Every path of the API the console talks to, in one place.
export const paths = {
  graphql: "/graphql",
} as const;
