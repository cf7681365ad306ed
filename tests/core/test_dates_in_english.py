"""Dates inside sentences follow the UI's language: 2026年3月15日 in Chinese, "March 15, 2026"
style in English, not the Chinese format left in an English sentence."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_public_quote_writes_its_dates_in_the_pages_language(client):
    chinese = _text(client.get("/subsidy/quote/?birth_date=2021-12-31"))
    client.cookies["django_language"] = "en"
    english = _text(client.get("/subsidy/quote/?birth_date=2021-12-31"))

    assert "2021年12月31日出生的孩子于2024年12月31日年满3周岁" in chinese
    assert "Dec. 31, 2021" in english
    assert "Dec. 31, 2024" in english


def test_a_persons_birth_date_is_written_in_english_on_the_english_page(
    client, make_user, wanrong_person
):
    from huimin.core.models import User

    client.force_login(make_user("official", User.Role.COUNTY_OFFICIAL, ("140822",)))
    chinese = _text(client.get(f"/people/{wanrong_person.pk}/"))
    client.cookies["django_language"] = "en"
    english = _text(client.get(f"/people/{wanrong_person.pk}/"))

    assert "1985年12月1日" in chinese
    assert "1985年12月1日" not in english
    assert "Dec. 1, 1985" in english
