"""`coe up`: start the whole platform in order, watch it, and stop it cleanly.

Order: PostgreSQL (embedded unless DATABASE_URL) → migrations → demo seed → Temporal (embedded
unless TEMPORAL_ADDRESS) → worker → API. Ctrl-C or SIGTERM stops them in reverse order; each
child runs in its own process group and dies with this process, so nothing is orphaned.

A crashed API, worker or plant agent is restarted with backoff (`coe.stack.restarts`), each
restart reported in the terminal; one that keeps crashing stops the platform. PostgreSQL or
Temporal ending stops the platform: they hold its state and are not restarted.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import signal
import sys
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import IO, Any, TypeVar

import httpx
from rich.console import Console

from coe.auth.tokens import load_or_create_signing_key
from coe.config import ProductionConfigError, Settings, check_production
from coe.demo.history import close_history, history_closed
from coe.demo.identities import DevTokens, dev_tokens, write_tokens
from coe.demo.seed import DemoContentError, content_root, seed_demo
from coe.demo.sites import DEMO_SITES, validation_port, validation_sites
from coe.migrations import upgrade
from coe.stack import postgres
from coe.stack.banner import print_banner
from coe.stack.processes import Child, port_in_use, wait_for_port
from coe.stack.restarts import RESTARTABLE, RestartPolicy
from coe.stack.temporal import dev_server_argv

console = Console()
SIGNALS = (signal.SIGINT, signal.SIGTERM)
T = TypeVar("T")


class Shutdown(BaseException):
    """Raised by the first SIGINT/SIGTERM to unwind startup or the watch loop (during the
    seed, only once its transaction has rolled back: `run_until_signal`)."""


class StackError(Exception):
    """A start-up problem with a message for the person at the terminal."""


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """One `coe up` per data directory; a second one gets a clear message, not a traceback."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise StackError(
            f"another `coe up` (pid {holder}) is using the data directory {path.parent}; stop it "
            "first, or give this one its own COE_HOME"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Shutdown(signal.Signals(signum).name)


def run_stack(settings: Settings, *, demo: bool = True, verbose: bool = False) -> int:
    """Run until interrupted; returns the process exit code."""
    state = settings.state_dir
    try:
        check_production(settings)  # before starting anything embedded
        with exclusive_lock(state / "up.lock"):
            _check_ports(settings)
            signal.signal(signal.SIGINT, _on_signal)
            signal.signal(signal.SIGTERM, _on_signal)
            return Stack(settings, seed_demo=demo, verbose=verbose).run()
    except (StackError, ProductionConfigError) as error:
        console.print(f"[bold red]error[/]: {error}", highlight=False)
        return 1


def _check_ports(settings: Settings) -> None:
    wanted = [
        ("API (COE_PORT)", settings.port),
        ("plant agents (COE_PLANT_AGENT_PORT)", settings.plant_agent_port),
        (
            "validation agents (COE_PLANT_AGENT_PORT + 1)",
            validation_port(settings.plant_agent_port),
        ),
    ]
    if settings.embedded_temporal:
        wanted += [
            ("Temporal (COE_TEMPORAL_PORT)", settings.temporal_port),
            ("Temporal UI (COE_TEMPORAL_UI_PORT)", settings.temporal_ui_port),
        ]
    busy = [f"{name} port {port}" for name, port in wanted if port_in_use("127.0.0.1", port)]
    if busy:
        raise StackError(
            f"{', '.join(busy)} already in use on 127.0.0.1 (another `coe up`, or another "
            "program); stop it or choose other ports with the variables named"
        )


class Stack:
    def __init__(self, settings: Settings, *, seed_demo: bool, verbose: bool) -> None:
        self.settings = settings
        self.seed_demo = seed_demo
        self.verbose = verbose
        self.logs = settings.state_dir / "logs"
        self.children: list[Child] = []
        self.pg: Any = None
        self.pg_pid: int | None = None
        self.seeded_now = False
        self.restarts = {name: RestartPolicy() for name in RESTARTABLE}

    def run(self) -> int:
        code = 0
        try:
            database_url = self._database()
            tokens = self._identities(database_url)
            temporal = self._temporal()
            env = self._child_env(database_url, temporal)
            self._start("worker", [sys.executable, "-m", "coe_workflows.worker"], env)
            if self.seed_demo:
                self._start_agents(env)
            api = self._start("api", [sys.executable, "-m", "coe", "api"], env)
            self._wait_ready(api)
            if self.seeded_now:
                self._start(
                    "demo-rollouts",
                    [sys.executable, "-m", "coe", "demo-rollouts"],
                    env,
                    one_shot=True,
                )
            elif self.seed_demo and history_closed(self.settings.state_dir / "plants") is None:
                close_history(self.settings.state_dir / "plants")  # a .coe from before the marker
            print_banner(
                console,
                self.settings,
                temporal=temporal,
                tokens=tokens,
                demo_rolling_out=self.seeded_now,
                verbose=self.verbose,
            )
            code = self._watch()
        except Shutdown as reason:
            console.print(f"\n[bold]{reason}[/] received: stopping the platform…")
        except StackError as error:
            console.print(f"[bold red]error[/]: {error}", highlight=False)
            code = 1
        finally:
            self._stop_all()
        return code

    def _database(self) -> str:
        if not self.settings.embedded_postgres:
            assert self.settings.database_url
            url = self.settings.database_url
            console.print("PostgreSQL: external (DATABASE_URL)")
        else:
            with console.status("starting embedded PostgreSQL…"):
                self.pg = postgres.start(self.settings.pgdata)
                url = postgres.ensure_database(self.pg)
                self.pg_pid = self.pg.get_pid()
            console.print(f"PostgreSQL: embedded, data in {self.settings.pgdata}")
        with console.status("applying database migrations…"):
            try:
                upgrade(url)
            except Exception as error:
                raise StackError(f"database migrations failed: {error}") from error
        return url

    def _identities(self, database_url: str) -> DevTokens:
        """Seed the demo (first run) and mint one dev token per role."""
        key = load_or_create_signing_key(self.settings.signing_key_path)
        credentials_file = self.settings.state_dir / "demo-users.json"
        if self.seed_demo:
            self.seeded_now = self._seed(database_url, credentials_file)
            console.print(
                "demo enterprise: " + ("seeded" if self.seeded_now else "already present")
            )
        if not self.settings.dev_issuer:
            return {}
        tokens = dev_tokens(key, credentials_file)
        write_tokens(self.settings.state_dir / "tokens", tokens)
        return tokens

    def _seed(self, database_url: str, credentials_file: Path) -> bool:
        """The demo enterprise and content, in one transaction a Ctrl-C rolls back cleanly."""
        try:
            root = content_root(self.settings)
        except DemoContentError as error:
            raise StackError(str(error)) from error
        created, loaded = run_until_signal(
            seed_demo(self.settings, database_url, credentials_file, root)
        )
        if loaded:
            console.print(
                f"demo content: {loaded} templates and overlays published and approved from "
                f"templates/ and site_overlays/ in {root}"
            )
        return created

    def _temporal(self) -> str:
        if not self.settings.embedded_temporal:
            return self.settings.temporal_target
        port, ui_port = self.settings.temporal_port, self.settings.temporal_ui_port
        child = self._start(
            "temporal", dev_server_argv(self.settings.state_dir, port, ui_port), os.environ
        )
        with console.status("starting the Temporal dev server…"):
            if not wait_for_port("127.0.0.1", port, timeout=90, child=child):
                raise StackError(f"the Temporal dev server did not start:\n{child.tail()}")
        console.print(f"Temporal: embedded dev server, data in {self.settings.state_dir}/temporal")
        return f"127.0.0.1:{port}"

    def _child_env(self, database_url: str, temporal: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": database_url,
                "TEMPORAL_ADDRESS": temporal,
                "COE_HOME": str(self.settings.state_dir),
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def _start(self, name: str, argv: list[str], env: Any, *, one_shot: bool = False) -> Child:
        log_path = None if self.verbose else self.logs / f"{name}.log"
        child = Child(name=name, argv=argv, env=env, log_path=log_path, one_shot=one_shot)
        child.start()
        self.children.append(child)
        return child

    def _start_agents(self, env: dict[str, str]) -> None:
        """Two reference plant agent processes: one serving every demo site's production
        instance (making demo production), one the validation instances (the lab and the
        plants that have one; no production: a validation run is a test run), each with its
        own state so the same site's two instances never share what they run."""
        plants = self.settings.plant_agent_port
        argv = [
            sys.executable,
            "-m",
            "coe",
            "plant-agent",
            "--port",
            str(plants),
            "--produce",
            "--api-url",
            f"http://{self.settings.host}:{self.settings.port}",
        ]
        for spec in DEMO_SITES:
            argv += ["--site", spec.key]
        self._start("plant-agents", argv, env)
        validation = [sys.executable, "-m", "coe", "plant-agent"]
        validation += ["--port", str(validation_port(plants))]
        validation += ["--state-dir", str(self.settings.state_dir / "plants-validation")]
        for site in validation_sites():
            validation += ["--site", site]
        self._start("validation-agents", validation, env)

    def _wait_ready(self, api: Child) -> None:
        url = f"http://{self.settings.host}:{self.settings.port}/ready"
        deadline = time.monotonic() + 120
        with console.status("waiting for the API to be ready…"):
            while time.monotonic() < deadline:
                if not api.running:
                    raise StackError(f"the API exited during start-up:\n{api.tail()}")
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.3)
        raise StackError(f"the API was not ready within 120 s; see {self.logs}/api.log")

    def _watch(self) -> int:
        """Watch the children until one that cannot (or can no longer) be restarted ends."""
        due: dict[str, float] = {}  # crashed children waiting for their restart, and when
        while True:
            now = time.monotonic()
            for child in list(self.children):
                if child.one_shot:
                    self._reap_one_shot(child)
                elif not child.running and child.name not in due:
                    delay = self._after_crash(child, now)
                    if delay is None:
                        return 1
                    due[child.name] = now + delay
            for child in self.children:
                if due.get(child.name, now + 1) <= now:
                    del due[child.name]
                    child.restart()
                    pid = child.process.pid if child.process else "?"
                    console.print(f"[green]{child.name} restarted[/] (pid {pid})", highlight=False)
            if not self._postgres_alive():
                console.print(
                    "[bold red]PostgreSQL exited unexpectedly[/]; it holds the platform's state "
                    "and is not restarted: stopping the platform.",
                    highlight=False,
                )
                return 1
            time.sleep(0.5)

    def _reap_one_shot(self, child: Child) -> None:
        if child.running or child.process is None:
            return
        if child.process.returncode:
            console.print(
                f"[yellow]{child.name} ended with code {child.process.returncode}[/]; "
                f"see {child.log_path}"
            )
        self.children.remove(child)

    def _after_crash(self, child: Child, now: float) -> float | None:
        """Report a crash; the seconds until its restart, or None when the platform stops."""
        code = child.process.returncode if child.process else None
        crashed = f"[bold red]{child.name} exited unexpectedly[/] (code {code})"
        if child.name not in RESTARTABLE:
            console.print(
                f"{crashed}; it holds the platform's state and is not restarted: stopping the "
                f"platform. Last lines:\n{child.tail()}",
                highlight=False,
            )
            return None
        policy = self.restarts[child.name]
        delay = policy.after_crash(now)
        window = f"{policy.window_seconds / 60:g} min"
        if delay is None:
            console.print(
                f"{crashed}; it crashed {policy.recent_crashes} times within {window}, "
                f"restarting does not help: stopping the platform. Last lines:\n{child.tail()}",
                highlight=False,
            )
            return None
        console.print(
            f"{crashed}; restarting it in {delay:g} s (restart {policy.recent_crashes} of at "
            f"most {policy.max_restarts} within {window}). Last lines:\n{child.tail(5)}",
            highlight=False,
        )
        return delay

    def _postgres_alive(self) -> bool:
        if self.pg_pid is None:
            return True  # external, or not started by us
        try:
            os.kill(self.pg_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _stop_all(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in reversed(self.children):
            if child.running:
                console.print(f"stopping {child.name}…")
            child.stop()
        if self.pg is not None:
            console.print("stopping PostgreSQL…")
            postgres.stop(self.pg)
        console.print("stopped.")


def run_until_signal(work: Coroutine[Any, Any, T]) -> T:
    """Run `work` on its own event loop. SIGINT or SIGTERM cancels it at its next `await`, so
    its transaction rolls back as on any error, and only then raises `Shutdown` here: never
    from a signal handler in the middle of a transaction (the seed's, say)."""
    return asyncio.run(_cancelled_by_signal(work))


async def _cancelled_by_signal(work: Coroutine[Any, Any, T]) -> T:
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)  # starts at the first await below, handlers in place
    received: list[signal.Signals] = []

    def stop(signum: signal.Signals) -> None:
        received.append(signum)
        task.cancel()

    previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        loop.add_signal_handler(signum, stop, signum)
    done: list[T] = []
    try:
        done.append(await task)
    except asyncio.CancelledError:
        if not received:
            raise
    finally:
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)
            signal.signal(signum, previous[signum])
    if received:  # even when `work` ended before the cancel reached it: asked to stop
        for signum in SIGNALS:  # as `_on_signal`: one request to stop is enough
            signal.signal(signum, signal.SIG_IGN)
        raise Shutdown(received[0].name)
    return done[0]
