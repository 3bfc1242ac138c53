"""The platform's side of the plant contract: httpx with timeouts, errors classified so the
workflows know what to retry (unreachable, slow, 5xx, garbage) and what not to (refused)."""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from coe.plants.contract import Deployment, Health, Running, as_json

Model = TypeVar("Model", bound=BaseModel)


class PlantError(Exception):
    """A call to a plant failed; `transient` says whether trying again may help."""

    def __init__(self, message: str, *, transient: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


class PlantClient:
    def __init__(
        self, http: httpx.AsyncClient, endpoint: str, credential: str, *, timeout: float = 10.0
    ) -> None:
        self._http = http
        self._endpoint = endpoint.rstrip("/")
        self._headers = {"Authorization": f"Bearer {credential}"}
        self._timeout = timeout

    async def health(self) -> Health:
        return _parse(Health, await self._call("GET", "/v1/health"), self._endpoint)

    async def running(self, template: str) -> Running | None:
        body = await self._call("GET", f"/v1/definitions/{template}", missing_ok=True)
        return None if body is None else _parse(Running, body, self._endpoint)

    async def all_running(self) -> list[Running]:
        body = await self._call("GET", "/v1/definitions")
        try:
            return TypeAdapter(list[Running]).validate_python(body)
        except ValidationError as error:
            raise _garbage(self._endpoint, error) from None

    async def deploy(self, deployment: Deployment) -> Running:
        body = await self._call(
            "PUT", f"/v1/definitions/{deployment.template}", json=as_json(deployment)
        )
        return _parse(Running, body, self._endpoint)

    async def rollback(self, template: str) -> Running:
        body = await self._call("POST", f"/v1/definitions/{template}/rollback")
        return _parse(Running, body, self._endpoint)

    async def _call(
        self, method: str, path: str, *, json: Any = None, missing_ok: bool = False
    ) -> Any:
        url = self._endpoint + path
        try:
            response = await self._http.request(
                method, url, json=json, headers=self._headers, timeout=self._timeout
            )
        except httpx.TimeoutException:
            raise PlantError(
                f"{url}: no answer within {self._timeout:g} s", transient=True
            ) from None
        except httpx.TransportError as error:
            raise PlantError(
                f"{url}: unreachable ({type(error).__name__}: {error})", transient=True
            ) from None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise PlantError(
                f"{url}: HTTP {response.status_code} {_reason(response)}",
                transient=response.status_code >= 500 or response.status_code == 429,
                status=response.status_code,
            )
        try:
            return response.json()
        except ValueError:
            raise PlantError(
                f"{url}: answered something that is not JSON ({response.text[:80]!r})",
                transient=True,
            ) from None


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("message", body)) if isinstance(body, dict) else str(body)[:200]


def _garbage(endpoint: str, error: ValidationError) -> PlantError:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return PlantError(
        f"{endpoint}: answer does not follow the contract ({where}: {first['msg']})", transient=True
    )


def _parse(model: type[Model], body: Any, endpoint: str) -> Model:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise _garbage(endpoint, error) from None
