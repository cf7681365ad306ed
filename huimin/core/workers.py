"""Task workers (``huimin db_worker``): who they are, whether one is still alive, and the sweep
that picks up what a killed worker left behind.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a
worker killed hard (SIGKILL, out of memory, power lost) leaves its task RUNNING for ever and
nothing runs it again (docs/adr/0002). Each app that needs it repairs its own work: an app's
``AppConfig.worker_sweep()`` finds what a lost worker left and queues it again (subsidy:
payment batches, ``services.batch_resume_stalled``); every worker runs the sweeps when it
starts and then every ``--sweep-interval`` seconds.
"""

from __future__ import annotations

import logging
import os
import socket

from django.apps import apps
from django.db import connections
from django.utils.crypto import get_random_string

logger = logging.getLogger("huimin.workers")


def worker_id_new() -> str:
    """``host/pid/random``: unique across machines, and says where the worker runs, so a
    worker on the same machine can tell at once that it is gone (``worker_gone``)."""
    return f"{socket.gethostname()[:40]}/{os.getpid()}/{get_random_string(8)}"


def worker_gone(worker_id: str) -> bool:
    """Whether the worker of that id certainly no longer runs: it ran on this machine and its
    process has exited. Unknown (another machine, an id of another form): False — then only
    time tells (each app's staleness rule)."""
    host, _, rest = worker_id.partition("/")
    pid, _, _ = rest.partition("/")
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def sweep() -> None:
    """Run every app's ``worker_sweep``; one failing does not stop the others or the worker."""
    for app_config in apps.get_app_configs():
        worker_sweep = getattr(app_config, "worker_sweep", None)
        if worker_sweep is None:
            continue
        try:
            worker_sweep()
        except Exception:
            logger.exception("worker sweep of %s failed; tried again later", app_config.label)
    connections.close_all()  # this thread's connections only
