"""Every document kind declares the one file-format version, `API_VERSION`, and refuses others."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from coe.documents import API_VERSION
from coe.rollouts.plan import RolloutPlan
from coe.templates.documents import ProcessTemplate, SiteOverlay

DOCUMENT_KINDS: tuple[type[BaseModel], ...] = (ProcessTemplate, SiteOverlay, RolloutPlan)


@pytest.mark.parametrize("model", DOCUMENT_KINDS, ids=lambda model: model.__name__)
def test_the_schema_pins_api_version(model: type[BaseModel]) -> None:
    schema = model.model_json_schema(by_alias=True)
    assert schema["properties"]["apiVersion"]["const"] == API_VERSION
    assert "apiVersion" in schema["required"]


@pytest.mark.parametrize("model", DOCUMENT_KINDS, ids=lambda model: model.__name__)
def test_another_api_version_is_refused_where_it_is(model: type[BaseModel]) -> None:
    with pytest.raises(ValidationError) as raised:
        model.model_validate({"apiVersion": "coe.dev/v2", "kind": model.__name__})
    wrong = [error for error in raised.value.errors() if error["loc"] == ("apiVersion",)]
    assert wrong, raised.value.errors()
    assert API_VERSION in wrong[0]["msg"]
