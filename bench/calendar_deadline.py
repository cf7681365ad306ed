"""Working-day deadlines per second: the calendar service (package + override table) against
the bare chinesecalendar loop. Later modules compute a deadline for every open case on each
list page, so this must stay close to the bare loop.

It runs on its own in-memory SQLite database whatever DATABASE_URL says (it migrates the
database it uses). Prints one JSON line:
{"deadlines": N, "service_s": ..., "bare_s": ..., "ratio": ...}
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings")
# Its own in-memory database whatever DATABASE_URL names: the benchmark migrates the database
# it uses, and must never do that to a developer's or a server's (issue 17).
_OTHER_DATABASE = os.environ.get("DATABASE_URL", "")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import chinese_calendar  # noqa: E402
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from huimin.core.selectors import WorkdayCalendar  # noqa: E402


def bare(start: dt.date, n: int) -> dt.date:
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


def main(count: int = 20_000) -> None:
    if _OTHER_DATABASE:
        print("DATABASE_URL is not used here: the calendar runs on its own in-memory database")  # noqa: T201
    call_command("migrate", verbosity=0)
    starts = [dt.date(2026, 1, 1) + dt.timedelta(days=i % 300) for i in range(count)]
    calendar = WorkdayCalendar()
    t0 = time.perf_counter()
    service = [calendar.deadline(s, 15) for s in starts]
    service_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain = [bare(s, 15) for s in starts]
    bare_s = time.perf_counter() - t0
    assert service == plain
    print(f"{count} deadlines of 15 working days: service {service_s:.3f} s, bare {bare_s:.3f} s")
    print(
        json.dumps(
            {
                "deadlines": count,
                "service_s": round(service_s, 3),
                "bare_s": round(bare_s, 3),
                "ratio": round(service_s / bare_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
