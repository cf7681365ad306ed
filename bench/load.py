"""The production server under a realistic load: ``python bench/load.py``.

It serves the ``city`` demo data the way ``make run`` does — gunicorn ``huimin.wsgi`` with 2
workers, whitenoise for the collected static files, the settings ``make run`` uses (SQLite in
WAL mode in ``HUIMIN_DATA_DIR``, ``DEBUG`` off) — on 127.0.0.1 at a free port, and drives it
with httpx from threads in this process:

1. **Throughput, closed loop**: 16 connections each send the next request as soon as the last
   one is answered, alternately (interleaved rounds, so a slow moment of the shared machine
   hits both alike) against the minimal Django JSON view ``/healthz`` and against the mix.
   ``ratio`` = mix req/s ÷ minimal req/s.
2. **Latency, open users**: 50 simulated users, each logs in once (login form with its CSRF
   token; the session cookie is kept) and then requests a page of its role every 1 s of
   think time (0.5–1.5 s); p50/p99 over pages and API reads (logins and spreadsheet exports
   are reported on their own lines).
3. **Queries**: after the server is stopped, every target once more in this process through
   Django's test client with the queries counted (the single-request server time too).

The mix, per role: the county officials' home, people search and detail, institution list
with filters and detail, subsidy applications list with filters, search and detail, the
findings and inspections lists and the exports; the township official's, the city
administrator's (with the subsidy dashboard and the JSON API), finance's, the inspector's, the
operator's and the citizen's pages; anonymous visitors on the public pages (/calendar/,
/subsidy/quote/, /supervision/public/) and the public APIs (/api/subsidy/quote,
/api/calendar/deadline). Errors are responses other than 2xx/3xx, redirects of a logged-in
page to the login form, and exceptions.

The data: ``var/bench/city/huimin.sqlite3``, built on the first run (``huimin migrate`` and
``huimin seed-demo --scale city``, about 4–5 minutes on a loaded 2-core machine) and reused
while ``migrate --check`` finds nothing pending; rebuilt when a migration is pending. It always
runs on SQLite in its own directory: a ``DATABASE_URL`` in the environment is not touched.

The last line printed is JSON: ``{"mix_rps", "minimal_rps", "ratio", "p50_ms", "p99_ms",
"errors"}``. Goals (issues 12 and 17): ratio ≥ 0.2, p99 < 100 ms, 0 errors. The exit status is
1 when there were errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATA_DIR = ROOT / "var" / "bench" / "city"
HOST = "127.0.0.1"
PASSWORD = os.environ.get("HUIMIN_DEMO_PASSWORD", "Huimin@2026")
MINIMAL = "/healthz"


def _log(text: str = "") -> None:
    print(text, flush=True)  # noqa: T201 - a benchmark prints


def _load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


# --------------------------------------------------------------------------- the data


def _server_env(data_dir: Path) -> dict[str, str]:
    """The environment ``make run`` gives the server, pointed at the benchmark's directory."""
    env = dict(os.environ)
    for name in ("DATABASE_URL", "HUIMIN_TESTING", "HUIMIN_DEBUG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env["HUIMIN_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _huimin(args: list[str], env: dict[str, str], *, quiet: bool = True) -> int:
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(BIN / "huimin"), *args], env=env, stdout=out, stderr=out, check=False
    ).returncode


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def data_prepare(data_dir: Path, *, rebuild: bool) -> None:
    """The city database in ``data_dir``: reused when its schema is current, else built."""
    env = _server_env(data_dir)
    database = data_dir / "huimin.sqlite3"
    if database.exists() and not rebuild:
        if _huimin(["migrate", "--check"], env) == 0:
            _log(f"city data: {_shown(database)} (schema current, reused)")
            return
        _log("city data: migrations are pending, rebuilding it")
    data_dir.mkdir(parents=True, exist_ok=True)
    building = data_dir / "building.sqlite3"
    for path in data_dir.glob("building.sqlite3*"):
        path.unlink()
    _log(
        f"city data: building {_shown(database)} — huimin migrate and "
        "huimin seed-demo --scale city (first run only; about 4–5 minutes on 2 busy cores) …"
    )
    started = time.perf_counter()
    build_env = {**env, "DATABASE_URL": f"sqlite:///{building}"}
    if _huimin(["migrate", "--noinput", "-v", "0"], build_env, quiet=False) != 0:
        raise SystemExit("huimin migrate failed")
    if _huimin(["seed-demo", "--scale", "city"], build_env, quiet=False) != 0:
        raise SystemExit("huimin seed-demo --scale city failed")
    for suffix in ("-wal", "-shm"):
        (data_dir / f"huimin.sqlite3{suffix}").unlink(missing_ok=True)
    building.replace(database)  # only a complete build takes the place of the old one
    _log(f"city data: built in {time.perf_counter() - started:.0f} s")


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(data_dir: Path, workers: int, port: int) -> Iterator[str]:
    """gunicorn as ``make run`` starts it; stopped (its whole process group) on the way out,
    whatever happened."""
    env = _server_env(data_dir)
    if _huimin(["collectstatic", "--noinput", "-v", "0"], env) != 0:
        raise SystemExit("huimin collectstatic failed")
    port = port or _free_port()
    log_path = data_dir / "gunicorn.log"
    (data_dir / "access.log").write_text("")  # this run's requests only
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [
                str(BIN / "gunicorn"),
                "huimin.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                str(data_dir / "access.log"),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: Ctrl+C here is ours to pass on
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({process.returncode}); see {log_path}")
            try:
                if httpx.get(base + MINIMAL, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer within 60 s; see {log_path}")
            time.sleep(0.2)
        _log(f"server: gunicorn huimin.wsgi, {workers} workers, {base} (pid {process.pid})")
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        _log(f"server: stopped (exit {process.returncode})")


# --------------------------------------------------------------------------- the mix

#: What each role does, with relative weights inside the role. ``{name}`` is a detail page's
#: id, found on the role's own list pages before the run (so scoping is the server's).
ROLE_TARGETS: dict[str, list[tuple[str, str, float, str]]] = {
    # (target name, path, weight, kind: page | api | export)
    "anonymous": [
        ("public calendar", "/calendar/", 2, "page"),
        ("public subsidy quote", "/subsidy/quote/?birth_date={birth}", 2, "page"),
        ("public supervision", "/supervision/public/", 2, "page"),
        ("api subsidy quote", "/api/subsidy/quote?birth_date={birth}", 3, "api"),
        (
            "api calendar deadline",
            "/api/calendar/deadline?start={start}&working_days={n}",
            3,
            "api",
        ),
    ],
    "county": [
        ("home", "/home/", 4, "page"),
        ("people search", "/people/?q=王", 1.5, "page"),
        ("person detail", "/people/{person}/", 1.5, "page"),
        ("institutions filtered", "/childcare/institutions/?status=filed&inclusive=yes", 2, "page"),
        ("institution detail", "/childcare/institutions/{institution}/", 2, "page"),
        (
            "applications filtered",
            "/subsidy/applications/?status=confirmed&channel=online",
            2,
            "page",
        ),
        ("applications search", "/subsidy/applications/?q=李", 1.5, "page"),
        ("application detail", "/subsidy/applications/{application}/", 2, "page"),
        ("findings", "/childcare/findings/", 1, "page"),
        ("inspections", "/supervision/inspections/", 1, "page"),
        ("draw plans", "/supervision/plans/", 0.5, "page"),
        ("export institutions", "/childcare/institutions/export.xlsx", 0.2, "export"),
        (
            "export applications",
            "/subsidy/applications/export.xlsx?status=submitted",
            0.2,
            "export",
        ),
    ],
    "township": [
        ("home", "/home/", 3, "page"),
        ("applications to review", "/subsidy/applications/?status=submitted", 3, "page"),
        ("application detail", "/subsidy/applications/{application}/", 3, "page"),
        ("people", "/people/", 1, "page"),
    ],
    "city_admin": [
        ("home", "/home/", 2, "page"),
        ("subsidy dashboard", "/subsidy/dashboard/", 1, "page"),
        ("institutions", "/childcare/institutions/", 2, "page"),
        ("applications", "/subsidy/applications/", 2, "page"),
        ("api applications", "/api/subsidy/applications?status=confirmed", 2, "api"),
        ("api application", "/api/subsidy/applications/{application}", 2, "api"),
        ("api institutions", "/api/childcare/institutions", 1, "api"),
        ("draw plans", "/supervision/plans/", 0.5, "page"),
    ],
    "finance": [
        ("home", "/home/", 2, "page"),
        ("batches", "/subsidy/batches/", 2, "page"),
        ("batch detail", "/subsidy/batches/{batch}/", 2, "page"),
        ("subsidy dashboard", "/subsidy/dashboard/", 1, "page"),
    ],
    "inspector": [
        ("home", "/home/", 2, "page"),
        ("inspections", "/supervision/inspections/", 2, "page"),
        ("inspection detail", "/supervision/inspections/{inspection}/", 2, "page"),
        ("letters", "/supervision/letters/", 1, "page"),
        ("letter detail", "/supervision/letters/{letter}/", 1, "page"),
    ],
    "operator": [
        ("home", "/home/", 2, "page"),
        ("my institution", "/childcare/mine/", 3, "page"),
        ("my credit", "/supervision/credit/mine/", 1, "page"),
    ],
    "citizen": [
        ("home", "/home/", 2, "page"),
        ("apply", "/subsidy/apply/", 1, "page"),
    ],
}

#: Who is logged in for each role, and how many of the 50 simulated users play it.
ROLE_USERS: dict[str, list[str | None]] = {
    "anonymous": [None],
    "county": ["yanhu", "wanrong", "pinglu"],
    "township": ["beicheng"],
    "city_admin": ["admin"],
    "finance": ["finance", "finance2"],
    "inspector": ["inspector", "inspector2", "inspector3"],
    "operator": ["operator"],
    "citizen": ["citizen"],
}
ROLE_SHARE = {
    "anonymous": 15,
    "county": 12,
    "township": 5,
    "city_admin": 3,
    "finance": 3,
    "inspector": 5,
    "operator": 4,
    "citizen": 3,
}

#: Measured alone with ``--isolate SECONDS`` (16 connections each, interleaved over the rounds):
#: the targets of issue 17's table and the dashboards it names, to compare before and after.
ISOLATED: list[tuple[str, str | None, str]] = [
    ("api subsidy quote (no database)", None, "/api/subsidy/quote?birth_date=2024-05-01"),
    ("api calendar deadline", None, "/api/calendar/deadline?start=2026-05-06&working_days=15"),
    ("home, county official", "yanhu", "/home/"),
    ("institutions list, county official", "yanhu", "/childcare/institutions/"),
    ("applications list, county official", "yanhu", "/subsidy/applications/"),
    ("public supervision page, anonymous", None, "/supervision/public/"),
    ("api applications, city admin (session)", "admin", "/api/subsidy/applications"),
    ("subsidy dashboard, city admin", "admin", "/subsidy/dashboard/"),
    ("subsidy dashboard, finance", "finance", "/subsidy/dashboard/"),
    ("people list, township", "beicheng", "/people/"),
    ("people search, 3 characters, county", "yanhu", "/people/?q=%E5%BC%A0%E5%A9%B7%E5%A9%B7"),
    ("people search, 1 character, county", "yanhu", "/people/?q=%E6%9D%8E"),
    (
        "applications search, 3 characters, city admin",
        "admin",
        "/subsidy/applications/?q=%E5%BC%A0%E5%A9%B7%E5%A9%B7",
    ),
]

#: Where each placeholder's ids are found: the list page and the link to a detail page.
ID_SOURCES = {
    "person": ("/people/", r'href="/people/(\d+)/"'),
    "institution": ("/childcare/institutions/", r'href="/childcare/institutions/(\d+)/"'),
    "application": ("/subsidy/applications/", r'href="/subsidy/applications/(\d+)/"'),
    "batch": ("/subsidy/batches/", r'href="/subsidy/batches/(\d+)/"'),
    "inspection": ("/supervision/inspections/", r'href="/supervision/inspections/(\d+)/"'),
    "letter": ("/supervision/letters/", r'href="/supervision/letters/(\d+)/"'),
}


@dataclass(frozen=True)
class Target:
    name: str
    role: str
    path: str
    kind: str
    weight: float

    @property
    def label(self) -> str:
        return f"{self.name} [{self.role}]"


@dataclass
class Session:
    """One logged-in browser: its cookies and the ids its list pages showed it."""

    username: str | None
    cookie: str = ""
    ids: dict[str, list[str]] = field(default_factory=dict)


def targets_all() -> list[Target]:
    """Every target with its weight in the whole mix: the role's share of users times the
    target's share of the role's requests."""
    out = []
    for role, rows in ROLE_TARGETS.items():
        total = sum(weight for _n, _p, weight, _k in rows)
        for name, path, weight, kind in rows:
            out.append(Target(name, role, path, kind, ROLE_SHARE[role] * weight / total))
    return out


def fill(path: str, session: Session, rng: random.Random) -> str:
    """A concrete URL for a target: ids from the session's lists, dates at random."""

    def one(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "birth":
            return (dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(2000))).isoformat()
        if key == "start":
            return (dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))).isoformat()
        if key == "n":
            return str(rng.randint(1, 30))
        return rng.choice(session.ids[key])

    return re.sub(r"\{(\w+)\}", one, path)


# --------------------------------------------------------------------------- the client

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(client: httpx.Client, username: str) -> str:
    """The login form as a browser fills it: GET for the CSRF cookie and token, POST the form;
    returns the Cookie header of the logged-in session."""
    client.cookies.clear()  # each browser its own: no session of an earlier login
    page = client.get("/accounts/login/")
    page.raise_for_status()
    token = _CSRF_FIELD.search(page.text)
    csrf = page.cookies.get("csrftoken")
    if not token or not csrf:
        raise RuntimeError("the login page has no CSRF token")
    answer = client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        headers={"Cookie": f"csrftoken={csrf}", "Referer": str(client.base_url)},
    )
    session = answer.cookies.get("sessionid")
    if answer.status_code != 302 or not session:
        raise RuntimeError(f"login as {username} failed: HTTP {answer.status_code}")
    return f"csrftoken={csrf}; sessionid={session}"


def discover(client: httpx.Client, session: Session, needed: set[str]) -> None:
    for key in sorted(needed):
        url, pattern = ID_SOURCES[key]
        page = client.get(url, headers={"Cookie": session.cookie})
        if page.status_code != 200:
            raise RuntimeError(f"{session.username}: {url} answered {page.status_code}")
        ids = sorted(set(re.findall(pattern, page.text)))
        if ids:
            session.ids[key] = ids
        else:
            _log(f"  {session.username} sees no {key} on {url}: its {key} pages are left out")


def usable(target: Target, session: Session) -> bool:
    """Whether the session has an id for every placeholder of the target's path."""
    keys = set(re.findall(r"\{(\w+)\}", target.path)) & set(ID_SOURCES)
    return keys <= set(session.ids)


@dataclass
class Record:
    target: str
    kind: str
    ms: float
    ok: bool
    status: int


class Recorder:
    def __init__(self) -> None:
        self.records: list[Record] = []
        self.failures: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def add(self, record: Record, why: str = "") -> None:
        with self._lock:
            self.records.append(record)
            if not record.ok:
                self.failures[f"{record.target}: {why or record.status}"] += 1


def request(
    client: httpx.Client, target: Target, session: Session, rng: random.Random, rec: Recorder
) -> None:
    url = fill(target.path, session, rng)
    headers = {"Cookie": session.cookie} if session.cookie else {}
    started = time.perf_counter()
    try:
        response = client.get(url, headers=headers)
        response.read()
    except httpx.HTTPError as exc:
        ms = (time.perf_counter() - started) * 1000
        rec.add(Record(target.label, target.kind, ms, False, 0), type(exc).__name__)
        return
    ms = (time.perf_counter() - started) * 1000
    client.cookies.clear()  # the session is the Cookie header alone
    status = response.status_code
    to_login = status in (301, 302) and "/accounts/login/" in response.headers.get("location", "")
    ok = status < 400 and not (session.username and to_login)
    rec.add(
        Record(target.label, target.kind, ms, ok, status),
        "redirected to login" if to_login else "",
    )


def _client(base: str) -> httpx.Client:
    # Plain HTTP on the loopback: no TLS context to build (certifi's takes ~0.1 s of CPU).
    return httpx.Client(base_url=base, timeout=30, follow_redirects=False, verify=False)  # noqa: S501


def closed_loop(
    clients: list[httpx.Client],
    seconds: float,
    pick: Callable[[random.Random], tuple[Target, Session]],
    rec: Recorder,
    seed: int,
) -> float:
    """One thread per client, each sending its next request as soon as the last is answered,
    for ``seconds`` from the moment all are ready; returns the time from that moment until
    the last answer."""
    clock: dict[str, float] = {}

    def go() -> None:
        clock["start"] = time.monotonic()

    ready = threading.Barrier(len(clients), action=go)

    def run(n: int) -> None:
        rng = random.Random(seed * 1000 + n)  # noqa: S311 - a load mix, not secrets
        ready.wait(timeout=60)
        stop = clock["start"] + seconds
        for _ in range(1_000_000):  # bounded: the clock ends it long before
            if time.monotonic() >= stop:
                break
            target, session = pick(rng)
            request(clients[n], target, session, rng, rec)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 90)
    return time.monotonic() - clock.get("start", time.monotonic())


# --------------------------------------------------------------------------- figures


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summary(records: list[Record]) -> tuple[int, float, float]:
    ms = [r.ms for r in records]
    return len(ms), pct(ms, 50), pct(ms, 99)


def queries_per_target(
    data_dir: Path, targets: list[Target], sessions: dict[str | None, Session]
) -> dict[str, tuple[int, float]]:
    """Each target through Django's test client in this process: its query count and the
    best of two warm requests' time, on the same database (the server is stopped)."""
    os.environ.update(_server_env(data_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "huimin.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huimin.core.models import User

    out: dict[str, tuple[int, float]] = {}
    rng = random.Random(7)  # noqa: S311
    for target in targets:
        able = [u for u in ROLE_USERS[target.role] if usable(target, sessions[u])]
        if not able:
            continue
        username = able[0]
        client = Client(HTTP_HOST=HOST)
        if username:
            user = User.objects.get(username=username)
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        url = fill(target.path, sessions[username], rng)
        client.get(url)
        times, counts = [], []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(captured))
        out[target.label] = (max(counts), min(times))
    return out


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=16, help="闭环连接数（默认 16）")
    parser.add_argument("--rounds", type=int, default=3, help="交替轮数（默认 3）")
    parser.add_argument("--minimal-seconds", type=float, default=3, help="每轮最小视图秒数")
    parser.add_argument("--mix-seconds", type=float, default=7, help="每轮混合负载秒数")
    parser.add_argument("--users", type=int, default=50, help="模拟用户数（默认 50）")
    parser.add_argument("--think", type=float, default=1.0, help="平均思考时间，秒（默认 1）")
    parser.add_argument("--user-seconds", type=float, default=30, help="模拟用户阶段秒数")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数（默认 2）")
    parser.add_argument("--port", type=int, default=0, help="端口（默认随机空闲端口）")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="城市数据目录")
    parser.add_argument("--rebuild", action="store_true", help="重建城市数据")
    parser.add_argument("--no-queries", action="store_true", help="不统计每个页面的查询数")
    parser.add_argument(
        "--isolate", type=float, default=0, help="每个对照目标单独闭环测量的秒数/轮（默认 0：不测）"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if min(args.connections, args.rounds, args.users) < 1 or args.think < 0:
        raise SystemExit("--connections, --rounds and --users must be at least 1")

    # SIGTERM (make killed, a CI timeout) ends the run through the same finally as Ctrl+C.
    def _terminate(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    if os.environ.get("DATABASE_URL"):
        _log("DATABASE_URL is ignored here: the load benchmark serves its own SQLite city data")
    _log(f"before: {_load_average()}")
    data_dir = args.data_dir.resolve()
    data_prepare(data_dir, rebuild=args.rebuild)

    targets = targets_all()
    by_role: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        by_role[target.role].append(target)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    wall_started = time.monotonic()
    logins = Recorder()
    throughput = Recorder()
    minimal = Recorder()
    users = Recorder()
    alone = Recorder()
    isolated_s: dict[str, float] = defaultdict(float)
    minimal_s = mix_s = 0.0
    sessions: dict[str | None, Session] = {}
    with server(data_dir, args.workers, args.port) as base:
        # The simulated users, each its own browser: it logs in once (8 at a time: argon2 is
        # meant to be slow) and keeps its session cookie. Accounts no user plays (fewer than
        # 50 users) log in once too, for the closed loop.
        roles = [r for r, share in ROLE_SHARE.items() for _ in range(share)]
        people: list[Session] = []
        for n in range(args.users):
            names = ROLE_USERS[roles[n % len(roles)]]
            people.append(Session(names[n % len(names)]))
        played = {p.username for p in people}
        extra = [Session(u) for names in ROLE_USERS.values() for u in names if u not in played]
        to_login = [p for p in people + extra if p.username]
        phase = time.monotonic()

        def log_in(chunk: list[Session]) -> None:
            with _client(base) as client:
                for person in chunk:
                    started = time.perf_counter()
                    try:
                        person.cookie = login(client, str(person.username))
                        ok = True
                    except (httpx.HTTPError, RuntimeError):
                        ok = False
                    ms = (time.perf_counter() - started) * 1000
                    logins.add(Record("login", "login", ms, ok, 302 if ok else 0), "failed")

        threads = [
            threading.Thread(target=log_in, args=(to_login[i::8],), daemon=True) for i in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        _log(f"logins: {len(to_login)} in {time.monotonic() - phase:.1f} s ({_load_average()})")
        # One session per account for the closed loop, with the ids its list pages show it.
        with _client(base) as client:
            for role, names in ROLE_USERS.items():
                needed = {
                    key for t in by_role[role] for key in re.findall(r"\{(\w+)\}", t.path)
                } & set(ID_SOURCES)
                for username in names:
                    session = next(
                        (
                            p
                            for p in people + extra
                            if p.username == username and (p.cookie or not username)
                        ),
                        Session(username),
                    )
                    if username and not session.cookie:
                        raise SystemExit(f"{username} could not log in: see the errors above")
                    discover(client, session, needed)
                    sessions[username] = session
        for person in people:
            person.ids = sessions[person.username].ids
        pool = [
            (t, sessions[u]) for t in targets for u in ROLE_USERS[t.role] if usable(t, sessions[u])
        ]
        weights = [t.weight / len(ROLE_USERS[t.role]) for t, _s in pool]
        minimal_target = Target("minimal JSON view", "anonymous", MINIMAL, "api", 1)

        def pick_mix(rng: random.Random) -> tuple[Target, Session]:
            return rng.choices(pool, weights)[0]

        def pick_minimal(_rng: random.Random) -> tuple[Target, Session]:
            return minimal_target, sessions[None]

        loop_clients = [_client(base) for _ in range(args.connections)]
        _log(f"warm-up: 3 s of the mix ({_load_average()})")
        closed_loop(loop_clients, 3, pick_mix, Recorder(), args.seed)
        for n in range(args.rounds):
            minimal_s += closed_loop(loop_clients, args.minimal_seconds, pick_minimal, minimal, n)
            mix_s += closed_loop(
                loop_clients, args.mix_seconds, pick_mix, throughput, args.seed + n
            )
            _log(f"throughput round {n + 1}/{args.rounds} done ({_load_average()})")

        # The users, all logged in: a page of their role, then 0.5–1.5 × think time.
        stop_at = time.monotonic() + args.user_seconds

        def user(n: int) -> None:
            rng = random.Random(args.seed * 7919 + n)  # noqa: S311
            person = people[n]
            if person.username and not person.cookie:
                return  # its login failed, and was counted
            mine = [t for t in by_role[roles[n % len(roles)]] if usable(t, person)]
            role_weights = [t.weight for t in mine]
            time.sleep(rng.uniform(0, args.think))  # not all in step
            with _client(base) as client:
                for _ in range(100_000):  # bounded: the clock ends it long before
                    if time.monotonic() >= stop_at:
                        break
                    target = rng.choices(mine, role_weights)[0]
                    request(client, target, person, rng, users)
                    pause = rng.uniform(0.5, 1.5) * args.think
                    time.sleep(max(0.0, min(pause, stop_at - time.monotonic())))

        _log(
            f"{args.users} users, {args.think:g} s think time, {args.user_seconds:g} s "
            f"({_load_average()})"
        )
        threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(args.users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.user_seconds + 60)
        if args.isolate > 0:
            _log(
                f"alone: {len(ISOLATED)} targets × {args.rounds} rounds × {args.isolate:g} s, "
                f"{args.connections} connections ({_load_average()})"
            )
            for n in range(args.rounds):
                for name, username, path in ISOLATED:
                    one = (Target(name, "alone", path, "page", 1), sessions[username])
                    isolated_s[name] += closed_loop(
                        loop_clients, args.isolate, lambda _r, o=one: o, alone, n
                    )
        for client in loop_clients:
            client.close()
        _log(f"after: {_load_average()}")
    wall = time.monotonic() - wall_started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )

    queries: dict[str, tuple[int, float]] = {}
    if not args.no_queries:
        queries = queries_per_target(data_dir, targets, sessions)

    # ------------------------------------------------------------------ report
    if isolated_s:
        by_target: dict[str, list[Record]] = defaultdict(list)
        for r in alone.records:
            by_target[r.target].append(r)
        quote_rps = 0.0
        _log()
        _log(
            f"{'alone, 16 connections closed loop':44} │ {'req/s':>7} {'p50':>6} {'p99':>6} │"
            " vs quote"
        )
        for name, _u, _p in ISOLATED:
            rows = by_target[f"{name} [alone]"]
            rps = len(rows) / isolated_s[name] if isolated_s[name] else 0.0
            quote_rps = quote_rps or rps
            _n, p50, p99 = summary(rows)
            _log(
                f"{name:44} │ {rps:7.1f} {p50:6.0f} {p99:6.0f} │ "
                f"{rps / quote_rps if quote_rps else 0:8.3f}"
            )
    mix_rps = len(throughput.records) / mix_s if mix_s else 0.0
    minimal_rps = len(minimal.records) / minimal_s if minimal_s else 0.0
    ratio = mix_rps / minimal_rps if minimal_rps else 0.0
    per_mix: dict[str, list[Record]] = defaultdict(list)
    per_users: dict[str, list[Record]] = defaultdict(list)
    for r in throughput.records:
        per_mix[r.target].append(r)
    for r in users.records:
        per_users[r.target].append(r)
    _log()
    _log(
        f"{'target':44} {'kind':6} │ {'mix n':>6} {'req/s':>6} {'p50':>6} {'p99':>6} │"
        f" {'50u n':>5} {'p50':>6} {'p99':>6} │ {'queries':>7} {'1 req':>6}"
    )
    for target in sorted(targets, key=lambda t: (t.role, -t.weight)):
        n, p50, p99 = summary(per_mix[target.label])
        un, up50, up99 = summary(per_users[target.label])
        q, single = queries.get(target.label, (-1, 0.0))
        _log(
            f"{target.label:44} {target.kind:6} │ {n:6d} {n / mix_s if mix_s else 0:6.1f} "
            f"{p50:6.0f} {p99:6.0f} │ {un:5d} {up50:6.0f} {up99:6.0f} │ "
            f"{q if q >= 0 else '-':>7} {single:6.1f}"
        )
    mn, mp50, mp99 = summary(minimal.records)
    _log(
        f"{'minimal JSON view ' + MINIMAL:44} {'api':6} │ {mn:6d} {minimal_rps:6.1f} "
        f"{mp50:6.0f} {mp99:6.0f} │"
    )
    ln, lp50, lp99 = summary(logins.records)
    _log(
        f"{'login (form POST with CSRF, argon2)':44} {'login':6} │ {ln:6d} {'':6} "
        f"{lp50:6.0f} {lp99:6.0f} │"
    )
    _log("(ms; mix: 16 connections closed loop, req/s is the target's share of it; 50u: the")
    _log(" simulated users; queries and '1 req' ms: best of 2 warm requests in-process)")
    _log()
    reads = [r for r in users.records if r.kind in ("page", "api")]
    exports = [r for r in users.records if r.kind == "export"]
    _, p50, p99 = summary(reads)
    _, ep50, ep99 = summary(exports)
    errors = sum(
        1
        for recorder in (throughput, minimal, users, logins, alone)
        for r in recorder.records
        if not r.ok
    )
    _log(
        f"throughput: mix {mix_rps:.1f} req/s ({len(throughput.records)} in {mix_s:.1f} s), "
        f"minimal view {minimal_rps:.1f} req/s ({len(minimal.records)} in {minimal_s:.1f} s), "
        f"ratio {ratio:.3f} (goal ≥ 0.2)"
    )
    _log(
        f"{args.users} users: {len(users.records) / args.user_seconds:.1f} req/s; pages and API "
        f"reads p50 {p50:.0f} ms, p99 {p99:.0f} ms (goal < 100); exports ({len(exports)}) p50 "
        f"{ep50:.0f} ms, p99 {ep99:.0f} ms; logins ({ln}) p50 {lp50:.0f} ms, p99 {lp99:.0f} ms"
    )
    _log(
        f"errors: {errors}"
        + "".join(f"\n  {k}: {v}" for k, v in sorted(throughput.failures.items()))
    )
    for recorder in (minimal, users, logins, alone):
        for key, count in sorted(recorder.failures.items()):
            _log(f"  {key}: {count}")
    _log(
        f"client (this process): {client_cpu:.1f} s CPU over {wall:.0f} s — it shares the "
        f"{os.cpu_count()} cores with the server; {_load_average()}"
    )
    _log(
        json.dumps(
            {
                "mix_rps": round(mix_rps, 1),
                "minimal_rps": round(minimal_rps, 1),
                "ratio": round(ratio, 3),
                "p50_ms": round(p50, 1),
                "p99_ms": round(p99, 1),
                "errors": errors,
            }
        )
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
