"""huimin db_worker: django-tasks-db's task worker, with the same options, that also picks up
work a killed worker left behind (``huimin.core.workers``): when it starts and then every
``--sweep-interval`` seconds it runs each app's sweep (subsidy: payment batches whose build
stopped are queued again and resume after their last committed chunk).

It takes the place of django-tasks-db's own ``db_worker`` because ``huimin.core`` comes
before ``django_tasks_db`` in INSTALLED_APPS."""

from __future__ import annotations

import os
import threading
import time
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from huimin.core import workers

#: Seconds between two sweeps of a worker: a batch whose worker died on this machine is
#: resumed within this time (one stopped on another machine once it is stale by its rule).
SWEEP_INTERVAL = 30.0


class Command(DatabaseWorkerCommand):
    help = (
        "运行后台任务进程：执行队列中的任务（如生成发放批次）；启动时及每隔 --sweep-interval 秒"
        "检查被强行终止的任务进程留下的工作（如中断的发放批次），重新排队从中断处继续。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=workers.worker_id_new())
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=SWEEP_INTERVAL,
            help=f"检查中断工作的间隔秒数（默认 {SWEEP_INTERVAL:g}；0 表示不检查）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interval = float(options.pop("sweep_interval"))
        # with --reload the parent only watches files; the child it starts runs the tasks
        watcher = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if interval > 0 and not watcher:
            threading.Thread(
                target=_sweep_every, args=(interval,), name="huimin-sweep", daemon=True
            ).start()
        super().handle(*args, **options)


def _sweep_every(interval: float) -> None:
    while True:
        workers.sweep()
        time.sleep(interval)
