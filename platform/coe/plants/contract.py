"""The plant instance contract v1 (contracts/plant-instance-v1.openapi.yaml) as types shared by
the platform's client and the reference agent."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CONTRACT = "v1"
SHA256 = r"^[0-9a-f]{64}$"


class Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore")


class Health(Wire):
    status: Literal["ok"]
    site: str
    contract: Literal["v1"] = "v1"
    agent: str | None = None


class Running(Wire):
    template: str
    version: str
    sha256: str = Field(pattern=SHA256)
    since: datetime
    rollout_id: str | None = Field(default=None, alias="rolloutId")


class Deployment(Wire):
    template: str
    version: str
    sha256: str = Field(pattern=SHA256)
    definition: dict[str, Any]
    rollout_id: str | None = Field(default=None, alias="rolloutId")


def as_json(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)
