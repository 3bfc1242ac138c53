"""The generic document machinery: safe YAML loading, shared fields, structural checks.

Knows no document kind (templates, overlays and rollout plans build on it; the catalogue of
kinds is `coe.kinds`). The names callers use are re-exported here.
"""

from coe.documents.fields import (
    API_VERSION,
    DURATION_PATTERN,
    ID_PATTERN,
    KEY_PATTERN,
    NAME_PATTERN,
    SEMVER_PATTERN,
    ApiVersion,
    Strict,
    duration_seconds,
)
from coe.documents.loading import (
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    DocumentError,
    Severity,
    Violation,
    load_mapping,
    parse_source,
    parse_yaml,
    pointer,
    read_mapping,
    yaml_files,
)
from coe.documents.structure import json_schema, schema_filename, structural_violations

__all__ = [
    "API_VERSION",
    "DURATION_PATTERN",
    "ID_PATTERN",
    "KEY_PATTERN",
    "MAX_ALIASES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "NAME_PATTERN",
    "SEMVER_PATTERN",
    "ApiVersion",
    "DocumentError",
    "Severity",
    "Strict",
    "Violation",
    "duration_seconds",
    "json_schema",
    "load_mapping",
    "parse_source",
    "parse_yaml",
    "pointer",
    "read_mapping",
    "schema_filename",
    "structural_violations",
    "yaml_files",
]
