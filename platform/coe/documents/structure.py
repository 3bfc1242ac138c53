"""JSON Schemas generated from document models, and structural validation against them.

Knows no document kind: the catalogue of kinds lives in `coe.kinds`.
"""

from __future__ import annotations

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
    return [_violation(error) for error in errors]


def _violation(error: ValidationError) -> Violation:
    if error.validator in ("anyOf", "oneOf") and error.context:
        error = best_match(error.context)
    path = [*error.absolute_path]
    if error.validator == "required":
        missing = str(error.message).split("'")[1]
        return Violation(pointer(*path, missing), "required field is missing")
    if error.validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        extras = sorted(
            set(cast(dict[str, Any], error.instance)) - set(schema.get("properties", {}))
        )
        return Violation(
            pointer(*path, extras[0]) if extras else pointer(*path),
            "unknown field (not in the format)",
        )
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
