"""/healthz: the minimal JSON view a load balancer polls and bench/load.py measures against."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_healthz_answers_ok_in_json_without_login_or_database(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"ok": True}
    assert len(queries) == 0
