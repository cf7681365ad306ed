"""The city overview against a page that only counts one table's rows: ``python bench/overview.py``.

On the ``city`` demo data (``var/bench/city/huimin.sqlite3``, built by ``bench/load.py``'s
``data_prepare`` on the first run, about 4–5 minutes; reused afterwards), copied to
``var/bench/overview/`` and migrated there when migrations are pending (so the shared copy is
never changed, and a new table does not force a rebuild), this process serves requests through
Django's test client with the settings ``make run`` uses (SQLite in WAL mode, ``DEBUG`` off):

- ``/overview/`` as the city administrator (``admin``), the 13 counties;
- ``/overview/140822/`` as 万荣县's county official (``wanrong``);
- the baseline: a page in the same layout (``base.html``: menu, header, context processors)
  whose only work is counting the rows of one table (the institutions), as the city
  administrator.

Each is requested ``--rounds`` times, interleaved (a slow moment of the shared machine hits
all alike), after one warm-up request; the median server time and the queries of one request
are printed, and the ratio overview ÷ baseline. The last line is JSON: ``{"overview_ms",
"county_ms", "baseline_ms", "ratio", "county_ratio", "overview_queries", "county_queries",
"baseline_queries"}``. Goal (issue 16, item 9): the overview well under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402 - bench/load.py: the city data

BENCH_DIR = ROOT / "var" / "bench" / "overview"


def _log(text: str = "") -> None:
    print(text, flush=True)  # noqa: T201 - a benchmark prints


def data_ready(rebuild: bool) -> Path:
    """The city data in ``BENCH_DIR``: a copy of bench/load.py's, migrated if need be."""
    load.data_prepare(load.DATA_DIR, rebuild=rebuild)
    source = load.DATA_DIR / "huimin.sqlite3"
    target = BENCH_DIR / "huimin.sqlite3"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if rebuild or not target.exists() or target.stat().st_mtime < source.stat().st_mtime:
        for suffix in ("", "-wal", "-shm"):
            (BENCH_DIR / f"huimin.sqlite3{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, target)
        _log(f"city data: copied to {target.relative_to(ROOT)}")
    env = load._server_env(BENCH_DIR)
    if load._huimin(["migrate", "--check"], env) != 0:
        _log("city data: applying the pending migrations to the copy")
        if load._huimin(["migrate", "--noinput", "-v", "0"], env, quiet=False) != 0:
            raise SystemExit("huimin migrate failed")
    if load._huimin(["collectstatic", "--noinput", "-v", "0"], env) != 0:
        raise SystemExit("huimin collectstatic failed")  # the pages name hashed static files
    return BENCH_DIR


def measure(rounds: int) -> dict[str, float | int]:
    import django
    from django.conf import settings

    django.setup()
    from django.db import connection
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import include, path

    from huimin.childcare.models import Institution
    from huimin.core.models import User

    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<h1>托育机构</h1><p>{{ n }}</p>{% endblock %}'
    )

    def count_page(request: HttpRequest) -> HttpResponse:
        """The baseline: a page of the site's layout that counts one table's rows."""
        return HttpResponse(page.render({"n": Institution.objects.count()}, request))

    urls = types.ModuleType("bench_overview_urls")
    urls.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/count/", count_page),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[urls.__name__] = urls

    admin = Client()
    admin.force_login(User.objects.get(username="admin"))
    county = Client()
    county.force_login(User.objects.get(username="wanrong"))
    targets = {
        "overview": (admin, "/overview/"),
        "county": (county, "/overview/140822/"),
        "baseline": (admin, "/bench/count/"),
    }
    times: dict[str, list[float]] = {name: [] for name in targets}
    queries: dict[str, int] = {}
    with override_settings(ROOT_URLCONF=urls.__name__, ALLOWED_HOSTS=["*"]):
        for name, (client, url) in targets.items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            queries[name] = len(captured)
        for _ in range(rounds):
            for name, (client, url) in targets.items():
                started = time.perf_counter()
                client.get(url)
                times[name].append(time.perf_counter() - started)
    ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
    return {
        "overview_ms": round(ms["overview"], 1),
        "county_ms": round(ms["county"], 1),
        "baseline_ms": round(ms["baseline"], 1),
        "ratio": round(ms["overview"] / ms["baseline"], 2),
        "county_ratio": round(ms["county"] / ms["baseline"], 2),
        "overview_queries": queries["overview"],
        "county_queries": queries["county"],
        "baseline_queries": queries["baseline"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the city data first")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.in_process:
        data_dir = data_ready(args.rebuild)
        _log(load._load_average())
        # a fresh interpreter with the server's environment (HUIMIN_DATA_DIR, no test settings)
        env = load._server_env(data_dir)
        env["DJANGO_SETTINGS_MODULE"] = "huimin.settings"
        return subprocess.run(  # noqa: S603 - this script, fixed arguments
            [sys.executable, __file__, "--in-process", "--rounds", str(args.rounds)],
            env=env,
            check=False,
        ).returncode
    figures = measure(args.rounds)
    _log(
        f"overview /overview/ (city administrator, 13 counties): {figures['overview_ms']} ms, "
        f"{figures['overview_queries']} queries"
    )
    _log(
        f"overview /overview/140822/ (万荣县's official): {figures['county_ms']} ms, "
        f"{figures['county_queries']} queries"
    )
    _log(
        f"baseline (a page that counts the institutions): {figures['baseline_ms']} ms, "
        f"{figures['baseline_queries']} queries"
    )
    _log(f"ratio overview ÷ baseline: {figures['ratio']} (county page: {figures['county_ratio']})")
    _log(json.dumps(figures))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings")
    sys.exit(main())
