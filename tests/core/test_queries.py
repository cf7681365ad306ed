"""List pages and endpoints run a constant number of queries, whatever the page holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/people/", "/api/people", "/people/export.xlsx"])
def test_people_lists_run_a_constant_number_of_queries(client, wanrong_official, make_person, url):
    client.force_login(wanrong_official)
    make_person("140822100")
    client.get(url)  # warm caches (content types, sessions)
    few = _queries(client, url)
    for i in range(40):
        make_person(f"14082210{i % 4}", name=f"居民{i}")
    assert _queries(client, url) == few
