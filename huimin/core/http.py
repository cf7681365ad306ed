"""Request types for annotations: what middleware adds, and the user after login_required or
API authentication."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from huimin.core.models import User


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


class AuthedRequest(HtmxRequest):
    user: User  # type: ignore[assignment]
