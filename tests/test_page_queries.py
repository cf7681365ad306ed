"""Each hot page's number of queries, pinned on the small demo city (issue 17): the home page
of every role, the lists the load benchmark weighs most (people, institutions, subsidy
applications with and without a name search, the JSON list), the subsidy dashboard and the
public supervision page (first visit and cached). A change that adds a query to one of them
shows here with the page's name; if it is meant, change the number with the reason in the
commit. That the counts do not grow with the rows is tested per module (``test_queries``,
``test_*_pages``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huimin.core.models import Person, User

#: (account, URL, queries). A logged-in page's count includes the session and the user.
PAGES: list[tuple[str | None, str, int]] = [
    ("yanhu", "/home/", 23),
    ("beicheng", "/home/", 13),
    ("admin", "/home/", 30),
    ("finance", "/home/", 8),
    ("inspector", "/home/", 9),
    ("operator", "/home/", 11),
    ("citizen", "/home/", 10),
    ("yanhu", "/people/", 7),
    ("beicheng", "/people/", 7),
    ("yanhu", "/people/?q=李", 7),
    ("admin", "/people/?q={name3}", 6),
    ("yanhu", "/childcare/institutions/", 7),
    ("admin", "/childcare/institutions/", 6),
    ("yanhu", "/subsidy/applications/", 9),
    ("beicheng", "/subsidy/applications/", 9),
    ("yanhu", "/subsidy/applications/?q=李", 9),
    ("admin", "/subsidy/applications/?q={name3}", 6),
    ("admin", "/api/subsidy/applications", 6),
    ("admin", "/subsidy/dashboard/", 9),
    ("finance", "/subsidy/dashboard/", 10),
    (None, "/supervision/public/", 1),
]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.django_db(transaction=True)
def test_each_hot_page_takes_its_pinned_number_of_queries():
    from tests.demo_snapshot import demo_city

    demo_city(seed=2025, scale="small", today=dt.date(2026, 11, 29), log=lambda s: None)
    # a 3-character name of someone in 盐湖区 (the trigram index's path)
    name3 = next(
        name
        for name in Person.objects.filter(region__path__startswith="140800/140802/")
        .order_by("id")
        .values_list("name", flat=True)
        if len(name) == 3
    )
    found = {}
    for username, url, _expected in PAGES:
        url = url.replace("{name3}", name3)
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        client.get(url)  # warm: content types, the calendar's years
        found[(username, url.replace(name3, "{name3}"))] = _queries(client, url)
    assert found == {(u, url): n for u, url, n in PAGES}
    # the public page's first visit renders its fragment; the next ones read its version
    cache.clear()
    assert _queries(Client(), "/supervision/public/") == 9
    assert _queries(Client(), "/supervision/public/") == 1
