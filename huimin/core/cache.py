"""Fragments that are the same for every visitor until something is published, cached under
a version kept in the database (``core.CacheVersion``).

The page (the public supervision results, ``/supervision/public/``) reads one row — its
version — and, when the fragment of that version, language and query string is in the cache,
renders nothing else. The service that publishes (a plan drawn, a result published, a credit
level changed, a filing acknowledged) calls ``bump`` in its transaction: the version read by
the next request of every gunicorn worker is the new one, so a per-process cache (Django's
default local-memory cache: ``CACHES`` is not configured) is invalidated in all workers at
once, without a shared cache server. A fragment also expires after ``TIMEOUT`` seconds, the
bound on how long a change made past the services (a fix in the database by hand) stays
unseen. See ADR 0014.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils.translation import get_language

from huimin.core.models import CacheVersion

#: Seconds a fragment is kept at most (a change past the services shows within this).
TIMEOUT = 600

#: The public supervision results page (plans drawn, results published, credit levels).
SUPERVISION_PUBLIC = "supervision_public"


def version(name: str) -> str:
    """The current version of ``name`` ("0" before its first bump) with the time it was set
    (a database flushed and filled again does not reuse an old version's fragments): one
    read by primary key."""
    found = CacheVersion.objects.filter(name=name).values_list("version", "changed_at").first()
    return f"{found[0]}.{found[1].timestamp():.6f}" if found else "0"


def bump(name: str) -> None:
    """A new version of ``name``, in the caller's transaction: the cached fragments of the
    old one are no longer read by any worker once it commits."""
    with transaction.atomic():
        if not CacheVersion.objects.filter(name=name).update(version=F("version") + 1):
            CacheVersion.objects.get_or_create(name=name, defaults={"version": 1})


def fragment(name: str, variant: str, render: Callable[[], str]) -> str:
    """The fragment ``name`` for ``variant`` (the query string that shapes it) in the current
    language: from the cache when this version's is there, else ``render()`` stored."""
    digest = hashlib.sha256(variant.encode()).hexdigest()[:32]
    key = f"fragment:{name}:{version(name)}:{get_language()}:{digest}"
    found = cache.get(key)
    if found is None:
        found = render()
        cache.set(key, found, TIMEOUT)
    return found
