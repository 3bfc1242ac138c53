"""The GraphQL API: schema assembly, context, permissions, hardening."""
