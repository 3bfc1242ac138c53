"""`coe init`, `coe db`, `coe user`, `coe token`: administering this installation.

Most act on the database directly; unlocking e-signatures goes through the API, so the
architect's own token authorizes it and the audit trail names them."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import typer

from coe.auth.principal import Role
from coe.cli.api import ApiUrlOption, TokenOption, client
from coe.cli.output import JsonOption, console, emit, examples, fail, table

if TYPE_CHECKING:
    from coe.config import Settings
    from coe.work import UnitOfWork

# Heavy modules (SQLAlchemy, SQLModel, pydantic-settings) are imported inside the commands, so
# `coe --help` and the API-client commands start quickly.

db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
user_app = typer.Typer(
    help="Users of the local identity store (development).", no_args_is_help=True
)
token_app = typer.Typer(
    help="Dev bearer tokens, signed by this installation's key.", no_args_is_help=True
)


def init(
    key: str = typer.Option(..., help="Enterprise key, e.g. acme-medical."),
    name: str = typer.Option(..., help="Enterprise display name."),
    as_json: bool = JsonOption,
) -> None:
    """Create the enterprise (the root of the site hierarchy) in an empty database."""
    from coe.models import Enterprise
    from coe.sites import repository as site_repository

    async def create(work: UnitOfWork) -> dict[str, Any]:
        existing = await site_repository.enterprise(work.session)
        if existing is not None:
            return {"created": False, "key": existing.key, "name": existing.name}
        enterprise = await site_repository.add(work.session, Enterprise(key=key, name=name))
        await work.audit("enterprise.created", "enterprise", key, after={"key": key, "name": name})
        return {"created": True, "key": enterprise.key, "name": enterprise.name}

    result = _admin(create)
    emit(
        result,
        as_json,
        lambda: console.print(
            f"enterprise [bold]{result['key']}[/] ({result['name']})"
            + (" created" if result["created"] else " already exists: nothing changed")
        ),
    )


@db_app.command(
    "upgrade",
    epilog=examples(
        "coe db upgrade", "DATABASE_URL=postgresql://coe@db.internal/coe coe db upgrade"
    ),
)
def db_upgrade() -> None:
    """Apply every pending migration (DATABASE_URL, or the embedded database)."""
    from coe.cli.local import local_database
    from coe.config import load_settings

    settings = load_settings()

    async def run() -> None:
        async with local_database(settings):
            pass

    asyncio.run(run())
    console.print("database schema is up to date")


@user_app.command(
    "add",
    epilog=examples(
        "echo 'a long password for jdoe' | coe user add jdoe --name \"Jane Doe\" "
        "--role qa_approver --site cork --password-stdin",
        'coe user add tomas --name "Tomás Ruiz" --role site_admin --site tijuana',
    ),
)
def user_add(
    username: str = typer.Argument(..., help="User id, e.g. jdoe."),
    name: str = typer.Option(..., "--name", help="Printed name, shown on signatures."),
    role: list[Role] = typer.Option(..., "--role", help="Role(s) the user holds."),
    site: list[str] = typer.Option([], "--site", help="Site(s) that site-scoped roles cover."),
    password_stdin: bool = typer.Option(False, help="Read the password from standard input."),
    as_json: bool = JsonOption,
) -> None:
    """Add a user; the password is stored only as an argon2id hash."""
    from coe.auth import service as users

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif not sys.stdin.isatty():
        # A hidden prompt needs a terminal: without one, getpass echoes the password with a
        # GetPassWarning. Scripts say where the password comes from.
        fail(
            "no terminal to ask for the password without echo: pipe it in with "
            '--password-stdin (e.g. `echo "$PASSWORD" | coe user add ... --password-stdin`)',
            code="BAD_USER_INPUT",
        )
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)

    async def add(work: UnitOfWork) -> dict[str, Any]:
        user = await users.add_user(
            work, username=username, display_name=name, password=password, roles=role, sites=site
        )
        return {
            "username": user.username,
            "name": user.display_name,
            "roles": user.roles,
            "sites": user.sites,
        }

    result = _admin(add)
    emit(
        result,
        as_json,
        lambda: console.print(
            f"user [bold]{result['username']}[/] added with roles {', '.join(result['roles'])}"
        ),
    )


@user_app.command("list", epilog=examples("coe user list", "coe user list -o plain"))
def user_list(as_json: bool = JsonOption) -> None:
    """List the users of the local identity store."""
    from coe.auth import repository as user_repository
    from coe.cli.local import local_database
    from coe.config import load_settings
    from coe.db import read_only

    settings = load_settings()

    async def fetch() -> list[dict[str, Any]]:
        async with local_database(settings) as sessions, read_only(sessions) as session:
            return [
                {
                    "username": u.username,
                    "name": u.display_name,
                    "roles": u.roles,
                    "sites": u.sites,
                    "active": u.active,
                }
                for u in await user_repository.all_users(session)
            ]

    rows = asyncio.run(fetch())
    emit(
        rows,
        as_json,
        lambda: table(
            "Users",
            ["user", "name", "roles", "sites", "active"],
            [
                (
                    r["username"],
                    r["name"],
                    ", ".join(r["roles"]),
                    ", ".join(r["sites"]),
                    r["active"],
                )
                for r in rows
            ],
        ),
    )


@token_app.command(
    "issue",
    epilog=examples(
        "coe token issue --role executive",
        "coe token issue --role plant --site cork --ttl 30d",
        "export COE_TOKEN=$(coe token issue --role qa_approver --user jdoe)",
    ),
)
def token_issue(
    role: list[Role] = typer.Option(..., "--role", help="Role(s) the token grants."),
    site: list[str] = typer.Option([], "--site", help="Site(s) for site-scoped roles."),
    user: str | None = typer.Option(
        None, "--user", help="Subject; a local user must hold the roles (needed to e-sign)."
    ),
    ttl: str = typer.Option("8h", help="Lifetime, e.g. 15m, 8h, 7d."),
    as_json: bool = JsonOption,
) -> None:
    """Print a signed dev token (plants: --role plant --site KEY)."""
    from coe.auth.tokens import issue_dev_token, load_or_create_signing_key, parse_duration
    from coe.config import load_settings

    settings = load_settings()
    if not settings.dev_issuer:
        fail(
            "the dev issuer is disabled (COE_ENV=production): tokens come from your OIDC provider",
            code="DEV_ISSUER_DISABLED",
        )
    try:
        lifetime = parse_duration(ttl)
    except ValueError as error:
        fail(str(error), code="BAD_USER_INPUT")
    subject, name = f"dev-{role[0]}", f"Dev {role[0]}"
    if user is not None:
        subject = user
        name, held_sites = _user_identity(settings, user, role, site)
        site = site or held_sites
    _require_known_sites(settings, site)
    key = load_or_create_signing_key(settings.signing_key_path)
    try:
        token = issue_dev_token(
            key, subject=subject, name=name, roles=role, sites=site, ttl=lifetime
        )
    except ValueError as error:
        fail(str(error), code="BAD_USER_INPUT")
    expires = (datetime.now(UTC) + lifetime).isoformat(timespec="seconds")
    emit(
        {
            "token": token,
            "subject": subject,
            "roles": sorted(role),
            "sites": sorted(site),
            "expiresAt": expires,
        },
        as_json,
        lambda: print(token),
    )


def _user_identity(
    settings: Settings, username: str, roles: list[Role], sites: list[str]
) -> tuple[str, list[str]]:
    """The user's printed name and sites, after checking they hold what the token grants."""
    from coe.auth import repository as user_repository
    from coe.cli.local import local_database
    from coe.db import read_only

    async def fetch() -> tuple[str, list[str], list[str]] | None:
        async with local_database(settings) as sessions, read_only(sessions) as session:
            found = await user_repository.by_username(session, username)
            return (found.display_name, found.roles, found.sites) if found else None

    found = asyncio.run(fetch())
    if found is None:
        fail(f"no local user {username!r}: add one with `coe user add`", code="NOT_FOUND")
    display_name, held_roles, held_sites = found
    missing = sorted(set(roles) - set(held_roles))
    if missing:
        fail(f"user {username!r} does not hold role(s) {', '.join(missing)}", code="FORBIDDEN")
    outside = sorted(set(sites) - set(held_sites)) if held_sites else []
    if outside:
        fail(f"user {username!r} is not scoped to site(s) {', '.join(outside)}", code="FORBIDDEN")
    return display_name, held_sites


def _require_known_sites(settings: Settings, keys: list[str]) -> None:
    """A token's sites are its scope: naming a site that does not exist is a mistake."""
    if not keys:
        return
    from coe.auth import service as users
    from coe.cli.local import local_database
    from coe.db import read_only

    async def fetch() -> list[str]:
        async with local_database(settings) as sessions, read_only(sessions) as session:
            return await users.unknown_sites(session, keys)

    unknown = asyncio.run(fetch())
    if unknown:
        fail(
            f"--site: unknown site(s) {', '.join(unknown)}: no token issued "
            "(register a site with `coe site add`; `coe site list` shows them)",
            code="BAD_USER_INPUT",
            details={"sites": unknown},
        )


SIGNING_LOCK_FIELDS = "userId consecutiveFailures lastFailureAt locked lockedAt lockedUntil"


@user_app.command(
    "signing-locks", epilog=examples("coe user signing-locks", "coe user signing-locks --json")
)
def user_signing_locks(
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """List user ids with refused e-signature attempts: locked, or counting (coe_architect)."""
    rows = client(api_url, token).execute(f"{{ signingLocks {{ {SIGNING_LOCK_FIELDS} }} }}")[
        "signingLocks"
    ]
    emit(
        rows,
        as_json,
        lambda: table(
            "Signing locks",
            ["user", "failures in a row", "locked", "locked until", "last failure"],
            [
                (
                    r["userId"],
                    r["consecutiveFailures"],
                    "yes" if r["locked"] else "no",
                    _until(r) if r["locked"] else "",
                    r["lastFailureAt"],
                )
                for r in rows
            ],
        ),
    )


@user_app.command(
    "unlock-signing",
    epilog=examples('coe user unlock-signing jdoe --reason "identity confirmed by phone"'),
)
def user_unlock_signing(
    username: str = typer.Argument(..., help="User id whose signing is locked."),
    reason: str = typer.Option(..., help="Why it is safe to unlock (kept in the audit trail)."),
    api_url: str = ApiUrlOption,
    token: str | None = TokenOption,
    as_json: bool = JsonOption,
) -> None:
    """Lift a user id's e-signature lock after failed attempts (coe_architect). Audited."""
    lifted = client(api_url, token).mutate(
        "unlockSigning",
        "SigningLock",
        SIGNING_LOCK_FIELDS,
        username=("String!", username),
        reason=("String!", reason),
    )
    emit(
        lifted,
        as_json,
        lambda: console.print(
            f"signing unlocked for [bold]{lifted['userId']}[/] "
            f"({lifted['consecutiveFailures']} failed attempt(s) in a row cleared)"
        ),
    )


def _until(row: dict[str, Any]) -> str:
    return str(row["lockedUntil"]) if row["lockedUntil"] else "until unlocked"


def _admin(action: Any) -> Any:
    from coe.cli.local import run_as_admin
    from coe.config import load_settings
    from coe.errors import CoeError

    try:
        return run_as_admin(load_settings(), action)
    except CoeError as error:
        fail(error.message, code=error.code, details=error.extensions)
