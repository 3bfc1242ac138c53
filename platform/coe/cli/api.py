"""What the commands that call the API share: the connection options and the client, the
typer options several commands take, KEY@VERSION references, and the e-signature of every
signing command."""

from __future__ import annotations

import getpass
import sys
from typing import Any

import typer

from coe.cli import reauth
from coe.cli.client import ApiClient
from coe.cli.output import fail

ApiUrlOption = typer.Option(
    "http://127.0.0.1:8000", "--api-url", envvar="COE_API_URL", help="Base URL of the COE API."
)
TokenOption = typer.Option(
    None, "--token", envvar="COE_TOKEN", help="Bearer token (make run prints one per role)."
)

OnlyTemplateOption = typer.Option(None, help="Only this template.")
OnlySiteOption = typer.Option(None, help="Only this site.")
WhyOption = typer.Option(..., help="Why.")
MaybeWhyOption = typer.Option(None, help="Why.")
IntervalOption = typer.Option(2.0, help="Seconds between refreshes with --watch.")
ApprovalReasonOption = typer.Option(..., help="Why you approve (kept with the signature).")
SignerUserOption = typer.Option(None, help="Your user id (default: the token's subject).")
# The demo's way to sign from a script: the approver's password piped in (an epilog's start).
DEMO_SIGNER_PIPE = (
    "python3 -c \"import json; print(json.load(open('.coe/demo-users.json'))['quinn'])\" | "
)
PasswordStdinOption = typer.Option(
    False,
    help="Read the password from standard input (its first line), for scripts; without it you "
    "are asked for it on the terminal, without echo.",
)


def client(api_url: str, token: str | None) -> ApiClient:
    return ApiClient(api_url, token)


def split_ref(reference: str) -> tuple[str, str | None]:
    """KEY or KEY@VERSION."""
    key, _, version = reference.partition("@")
    return key, version or None


def require_version(reference: str) -> tuple[str, str]:
    key, version = split_ref(reference)
    if version is None:
        fail(
            f"{reference!r}: give KEY@VERSION, e.g. sterile-barrier-sealing@2.1.0",
            code="BAD_USER_INPUT",
        )
    return key, version


def signer(api: ApiClient, user: str | None, password_stdin: bool, reason: str) -> dict[str, Any]:
    """The e-signature of every signing command (templates, overlays, rollouts, transfers):
    who signs, their password re-entered (or, signed in through OIDC, a fresh sign-in at the
    identity provider), and why."""
    issuer = None if password_stdin else reauth.oidc_issuer(api.token)
    if issuer is not None and api.token:
        token = reauth.fresh_token(issuer, reauth.client_id(api.token))
        return {"reauthToken": token, "reason": reason}
    if not password_stdin and not sys.stdin.isatty():
        # never fall back to reading an echoed password (getpass's GetPassWarning), never hang
        fail(
            "an e-signature needs your password: run this on a terminal to be asked for it, "
            "or pipe it in with --password-stdin",
            code="BAD_USER_INPUT",
        )
    username = user or api.execute("{ me { subject } }")["me"]["subject"]
    return {
        "username": username,
        "password": read_password(username, password_stdin),
        "reason": reason,
    }


def read_password(username: str, password_stdin: bool) -> str:
    """The signer's password: the first line of standard input, or asked on the terminal."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            fail("--password-stdin: standard input held no password", code="BAD_USER_INPUT")
        return password
    try:
        return getpass.getpass(f"Password for {username} (e-signature): ")
    except (EOFError, KeyboardInterrupt):
        fail("no password entered: nothing was signed", code="BAD_USER_INPUT")
