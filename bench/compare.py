"""Two trees side by side on their own city data: ``python bench/compare.py --before DIR``.

How ADR 0012 and ADR 0014 measured a change on a shared machine: the tree before it (a
``git worktree`` in DIR, its city data in ``DIR/var/bench/city`` built by its own
``bench/load.py``) and this one (``var/bench/city``) are served at once, each by gunicorn with
2 workers as ``make run`` does, on 127.0.0.1; each target of ``load.ISOLATED`` is driven alone
by 16 connections in a closed loop for ``--seconds`` on one side, then on the other, target
after target, over ``--rounds`` rounds, the side that goes first alternating; a slow moment of
the machine hits both sides alike. It prints req/s and p99 per side and the speed-up
(after ÷ before), and last a JSON line of the speed-ups. Without ``--before`` it says so and
does nothing (``make bench`` runs every script here).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402 - the load benchmark's client, targets and figures


@contextmanager
def _serve(root: Path, data_dir: Path, workers: int) -> Iterator[str]:
    """gunicorn for the tree in ``root`` (its code first on the path) on ``data_dir``."""
    env = load._server_env(data_dir)
    env["PYTHONPATH"] = str(root)
    subprocess.run(  # noqa: S603 - our own command
        [str(load.BIN / "huimin"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        cwd=root,
        check=True,
    )
    port = load._free_port()
    process = subprocess.Popen(  # noqa: S603 - our own server
        [str(load.BIN / "gunicorn"), "huimin.wsgi", "--bind", f"{load.HOST}:{port}"]
        + ["--workers", str(workers), "--log-level", "warning"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://{load.HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn for {root} did not start")
            try:
                if httpx.get(base + load.MINIMAL, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="the tree before the change (a worktree)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.before is None:
        load._log("compare: no --before tree given, nothing to compare (see bench/compare.py)")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sides = {
        "before": (args.before.resolve(), args.before.resolve() / "var/bench/city"),
        "after": (load.ROOT, load.DATA_DIR),
    }
    for name, (_root, data) in sides.items():
        if not (data / "huimin.sqlite3").exists():
            raise SystemExit(f"{name}: no city data in {data}; run its bench/load.py once")
    load._log(f"compare: {load._load_average()}")
    rps: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    records: dict[str, dict[str, list[load.Record]]] = defaultdict(lambda: defaultdict(list))
    with (
        _serve(*sides["before"], args.workers) as before,
        _serve(*sides["after"], args.workers) as after,
    ):
        bases = {"before": before, "after": after}
        sessions: dict[str, dict[str | None, load.Session]] = {}
        for side, base in bases.items():
            sessions[side] = {None: load.Session(None)}
            with load._client(base) as client:
                for _n, username, _p in load.ISOLATED:
                    if username and username not in sessions[side]:
                        session = load.Session(username)
                        session.cookie = load.login(client, username)
                        sessions[side][username] = session
        clients = {s: [load._client(b) for _ in range(args.connections)] for s, b in bases.items()}
        for n in range(args.rounds):
            order = ["before", "after"] if n % 2 == 0 else ["after", "before"]
            for name, username, path in load.ISOLATED:
                for side in order:
                    rec = load.Recorder()
                    one = (load.Target(name, "alone", path, "page", 1), sessions[side][username])
                    took = load.closed_loop(
                        clients[side], args.seconds, lambda _r, o=one: o, rec, n
                    )
                    rps[name][side].append(len(rec.records) / took if took else 0.0)
                    records[name][side] += rec.records
            load._log(f"round {n + 1}/{args.rounds} done ({load._load_average()})")
        for side_clients in clients.values():
            for client in side_clients:
                client.close()
    load._log()
    load._log(
        f"{'target (16 connections, alone)':44} │ {'before':>7} {'p99':>5} │ {'after':>7} "
        f"{'p99':>5} │ speed-up │ errors"
    )
    ratios = {}
    for name, _u, _p in load.ISOLATED:
        b = sum(rps[name]["before"]) / len(rps[name]["before"])
        a = sum(rps[name]["after"]) / len(rps[name]["after"])
        _nb, _b50, b99 = load.summary(records[name]["before"])
        _na, _a50, a99 = load.summary(records[name]["after"])
        errors = sum(not r.ok for side in ("before", "after") for r in records[name][side])
        ratios[name] = round(a / b, 2) if b else 0.0
        load._log(
            f"{name:44} │ {b:7.1f} {b99:5.0f} │ {a:7.1f} {a99:5.0f} │ "
            f"{ratios[name]:8.2f} │ {errors}"
        )
    load._log(f"(req/s: mean over {args.rounds} rounds of {args.seconds:g} s; p99 in ms)")
    load._log(f"compare: {load._load_average()}")
    load._log(json.dumps(ratios, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
