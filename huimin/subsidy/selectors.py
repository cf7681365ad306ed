"""Reads of the subsidy module. A quote reads no records: only the configured rates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from huimin.core.errors import InvalidInput
from huimin.subsidy import rules


def rates() -> rules.Rates:
    """The monthly rates: the national base plus the settings
    ``SUBSIDY_PROVINCE_TOPUP_FEN_PER_MONTH`` and ``SUBSIDY_CITY_TOPUP_FEN_PER_MONTH`` (fen,
    default 0)."""
    try:
        return rules.Rates(
            province_topup_fen_per_month=getattr(
                settings, "SUBSIDY_PROVINCE_TOPUP_FEN_PER_MONTH", 0
            ),
            city_topup_fen_per_month=getattr(settings, "SUBSIDY_CITY_TOPUP_FEN_PER_MONTH", 0),
        )
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


def entitlement_quote(*, birth_date: dt.date, today: dt.date | None = None) -> rules.Entitlement:
    """What a child born on ``birth_date`` is owed, per year and in total, at the configured
    rates; the one function behind the quote page, API and command.

    Raises InvalidInput (field ``birth_date``) for a future birth date or one before 1900.
    """
    try:
        return rules.entitlement(birth_date, today=today or timezone.localdate(), rates=rates())
    except rules.BirthDateError as exc:
        raise InvalidInput(str(exc), field_errors={"birth_date": str(exc)}) from None
