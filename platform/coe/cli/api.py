"""Shared options of the commands that call the API."""

from __future__ import annotations

import typer

from coe.cli.client import ApiClient

ApiUrlOption = typer.Option(
    "http://127.0.0.1:8000", "--api-url", envvar="COE_API_URL", help="Base URL of the COE API."
)
TokenOption = typer.Option(
    None, "--token", envvar="COE_TOKEN", help="Bearer token (make run prints one per role)."
)


def client(api_url: str, token: str | None) -> ApiClient:
    return ApiClient(api_url, token)
