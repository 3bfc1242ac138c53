"""Global process templates: documents, validation, diff, and the versioned registry."""
