"""Real processes against the test database: ``huimin`` commands, gunicorn and task workers
started as a deployment starts them (``subprocess.Popen`` of the real entry points), pointed at
pytest-django's test database, and killed hard (``SIGKILL``) when a test says so.

How the processes find the test database: on PostgreSQL a ``DATABASE_URL`` naming the test
database (``test_…``); on SQLite a ``HUIMIN_DATA_DIR`` whose ``huimin.sqlite3`` is a symbolic
link to the test database file (SQLite follows the link, so the WAL and its shared memory are
the test database's own), so the processes open it with the production pragmas of settings.py.
Either way they run with the production settings: no ``HUIMIN_TESTING`` (so tasks go through
the database queue to ``huimin db_worker``), ``DEBUG`` off, static files collected once per
session into the directory their settings read.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
#: Shared by every process of a test, so a session cookie from one server works on the other.
SECRET_KEY = "crash-recovery-test-key-not-for-production"  # noqa: S105 - test processes only
#: Removed from the processes' environment: they run as a deployment does.
TEST_ONLY_VARIABLES = (
    "DATABASE_URL",
    "HUIMIN_TESTING",
    "HUIMIN_DEBUG",
    "HUIMIN_DATA_DIR",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "PYTEST_CURRENT_TEST",
    "PYTEST_VERSION",
)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def database_env(data_dir: Path, static_root: Path) -> dict[str, str]:
    """The environment of a process that uses this test's database."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    data_dir.mkdir(parents=True, exist_ok=True)
    static = data_dir / "static"
    if not static.exists():
        static.symlink_to(static_root, target_is_directory=True)
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
    else:
        link = data_dir / "huimin.sqlite3"
        if not link.exists():
            link.symlink_to(Path(settings["NAME"]).resolve())
    env["HUIMIN_DATA_DIR"] = str(data_dir)
    env["HUIMIN_SECRET_KEY"] = SECRET_KEY
    env["PYTHONUNBUFFERED"] = "1"
    return env


def collect_static(static_root: Path) -> None:
    """``huimin collectstatic`` with the production storage (hashed names and a manifest),
    once per session: the servers' pages refer to the hashed names."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    data_dir = static_root.parent
    env["HUIMIN_DATA_DIR"] = str(data_dir)
    env["HUIMIN_SECRET_KEY"] = SECRET_KEY
    env["DATABASE_URL"] = f"sqlite:///{data_dir / 'unused.sqlite3'}"  # opened by no one
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(BIN / "huimin"), "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )


@dataclass
class Processes:
    """The processes a test started: each logged to a file, all stopped at the end."""

    data_dir: Path
    env: dict[str, str]
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: dict[int, Path] = field(default_factory=dict)

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = self.data_dir / f"{name}-{len(self.started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
                args,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: a hard kill takes its children too
            )
        self.started.append(process)
        self.logs[process.pid] = log
        return process

    def huimin(self, *args: str) -> subprocess.Popen[bytes]:
        return self.start(args[0], [str(BIN / "huimin"), *args])

    def run(self, *args: str, timeout: float = 60) -> str:
        """Run a ``huimin`` command to its end; returns its output, fails on a non-zero exit."""
        process = self.huimin(*args)
        code = process.wait(timeout=timeout)
        output = self.log_of(process)
        assert code == 0, f"huimin {' '.join(args)} exited {code}:\n{output}"
        return output

    def worker(self, *extra: str) -> subprocess.Popen[bytes]:
        """``huimin db_worker`` as a deployment runs it (polling every 0.1 s, so the test waits
        less)."""
        return self.huimin("db_worker", "--interval", "0.1", "--no-startup-delay", *extra)

    def server(self, workers: int = 2) -> tuple[subprocess.Popen[bytes], str]:
        """gunicorn as ``make run`` starts it, on a free port; returns it and its base URL once
        it answers."""
        port = free_port()
        process = self.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "huimin.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
        )
        base = f"http://{HOST}:{port}"
        wait_until(
            lambda: _answers(base) or process.poll() is not None,
            timeout=30,
            what=f"gunicorn on {base}",
        )
        assert process.poll() is None, f"gunicorn exited:\n{self.log_of(process)}"
        return process, base

    def log_of(self, process: subprocess.Popen[bytes]) -> str:
        return self.logs[process.pid].read_text(errors="replace")

    def kill_hard(self, process: subprocess.Popen[bytes]) -> None:
        """``SIGKILL`` to the process and its children (gunicorn's workers): no handler runs,
        no transaction commits, as when the machine loses power."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                self.kill_hard(process)


def _answers(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def wait_until(
    condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.05
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("collected") / "static"
    collect_static(root)
    return root


@pytest.fixture
def processes(transactional_db: None, tmp_path: Path, static_root: Path) -> Iterator[Processes]:
    """Start real processes on this test's database; every one is killed at the end (before
    the test database is flushed)."""
    procs = Processes(data_dir=tmp_path, env=database_env(tmp_path / "data", static_root))
    try:
        yield procs
    finally:
        procs.stop_all()
