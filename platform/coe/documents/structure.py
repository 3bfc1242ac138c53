"""JSON Schemas generated from document models, and structural validation against them.

Knows no document kind: the catalogue of kinds lives in `coe.kinds`.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any, cast

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from pydantic import BaseModel

from coe.documents.loading import Violation, pointer

BASE_ID = "https://coe.dev/schemas/v1/"


def schema_filename(model: type[BaseModel]) -> str:
    """ProcessTemplate → process-template.schema.json."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", model.__name__).lower() + ".schema.json"


def json_schema(model: type[BaseModel], filename: str) -> dict[str, Any]:
    """The JSON Schema of a document model, as shipped in `filename`."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BASE_ID + filename,
        **schema,
    }


@cache
def _validator(model: type[BaseModel]) -> Draft202012Validator:
    return Draft202012Validator(json_schema(model, schema_filename(model)))


def structural_violations(document: Any, model: type[BaseModel]) -> list[Violation]:
    """Every place where `document` breaks the schema, in plain words."""
    errors = sorted(_validator(model).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [violation for error in errors for violation in _violations(error)]


def _violations(error: ValidationError) -> list[Violation]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        return _union_violations(error)
    path = [*error.absolute_path]
    if error.validator == "additionalProperties":
        return _unknown_fields(error)
    if error.validator == "required":
        missing = str(error.message).split("'")[1]
        if _misspelt_as(error, missing):
            return []  # the unknown field next to it says so, with the right name
        return [Violation(pointer(*path, missing), "required field is missing")]
    return [_violation(error)]


def _union_violations(error: ValidationError) -> list[Violation]:
    """A value that may take several forms (`list | None`, `str | mapping`): report why it fits
    none from the form the author meant — the one its value has — down to the deepest cause,
    not that it is not the other form."""
    branches: dict[Any, list[ValidationError]] = {}
    for cause in error.context or []:
        branches.setdefault(cause.relative_schema_path[0], []).append(cause)
    depth = len(error.absolute_path)
    meant = [
        causes
        for causes in branches.values()
        if not any(c.validator == "type" and len(c.absolute_path) == depth for c in causes)
    ]
    if not meant:
        forms = [c.validator_value for c in error.context or [] if c.validator == "type"]
        expected = " or ".join(dict.fromkeys(_type_name(form) for form in forms))
        return [
            Violation(
                pointer(*error.absolute_path),
                f"must be {expected or 'one of the forms'}, not {_describe(error.instance)}",
            )
        ]
    if len(meant) > 1:  # several forms fit the value's kind: the schema's own ranking
        return [_violation(best_match([c for causes in meant for c in causes]))]
    causes = sorted(meant[0], key=lambda c: list(c.absolute_path))
    return [violation for cause in causes for violation in _violations(cause)]


def _unknown_fields(error: ValidationError) -> list[Violation]:
    """One violation per unknown field, with the known field it is likely a typo of."""
    path = [*error.absolute_path]
    known = sorted(_properties(error))
    extras = sorted(set(cast(dict[str, Any], error.instance)) - set(known))
    if not extras:
        return [Violation(pointer(*path), "unknown field (not in the format)")]
    violations = []
    for extra in extras:
        close = difflib.get_close_matches(extra, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        violations.append(
            Violation(pointer(*path, extra), f"unknown field (not in the format){hint}")
        )
    return violations


def _misspelt_as(error: ValidationError, missing: str) -> bool:
    """A required field is missing because an unknown field beside it is its typo."""
    instance = error.instance if isinstance(error.instance, dict) else {}
    unknown = [name for name in instance if name not in _properties(error)]
    return bool(difflib.get_close_matches(missing, unknown, n=1))


def _properties(error: ValidationError) -> dict[str, Any]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    properties = schema.get("properties", {})
    return properties if isinstance(properties, dict) else {}


def _violation(error: ValidationError) -> Violation:
    if error.validator in ("anyOf", "oneOf", "additionalProperties", "required"):
        first = _violations(error)
        if first:
            return first[0]
    path = [*error.absolute_path]
    if error.validator == "const":
        return Violation(pointer(*path), f"must be {error.validator_value!r}")
    if error.validator == "enum":
        allowed = ", ".join(map(str, cast(list[Any], error.validator_value)))
        return Violation(pointer(*path), f"{error.instance!r} is not one of: {allowed}")
    if error.validator == "pattern":
        return Violation(
            pointer(*path),
            f"{error.instance!r} does not have the required form "
            f"({_pattern_name(str(error.validator_value))})",
        )
    if error.validator == "type":
        return Violation(
            pointer(*path),
            f"must be {_type_name(error.validator_value)}, not {_describe(error.instance)}",
        )
    return Violation(pointer(*path), str(error.message))


def _pattern_name(pattern: str) -> str:
    names = {
        "^(0|[1-9]": "semantic version, e.g. 2.1.0",
        "^[a-z][a-z0-9-]": "lowercase key",
        "^[a-z0-9][a-z0-9._-]": "lowercase id",
        "^[A-Z][A-Z0-9-]": "upper-case code",
        "^[a-z][a-z0-9_]": "lowercase name",
    }
    return next((name for prefix, name in names.items() if pattern.startswith(prefix)), pattern)


def _type_name(expected: Any) -> str:
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
        "null": "empty",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(item, str(item)) for item in expected)
    return names.get(expected, str(expected))


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
