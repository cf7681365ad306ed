"""The ``huimin`` command: ``huimin seed-demo --scale small`` runs the management command
``seed_demo``; ``huimin supervision verify-draw 3`` runs ``supervision_verify_draw``.
Any other Django command works too (``huimin migrate``)."""

from __future__ import annotations

import os
import sys


def _resolve(argv: list[str], commands: set[str]) -> list[str]:
    words = [w.replace("-", "_") for w in argv]
    for n in (2, 1):
        if len(words) >= n and "_".join(words[:n]) in commands:
            return ["_".join(words[:n]), *argv[n:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings")
    import django
    from django.core.management import execute_from_command_line, get_commands

    django.setup()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["help"]
    execute_from_command_line(["huimin", *_resolve(args, set(get_commands()))])


if __name__ == "__main__":
    main()
