"""The API's interactive docs load Swagger UI from our own static files: an office network
that cannot reach a CDN still gets them."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders


def test_api_docs_load_swagger_ui_from_our_static_files_only(client, db):
    response = client.get("/api/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    assert [a for a in assets if not a.startswith("/static/")] == []
    assert "cdn" not in html.lower()
    assert all(finders.find(a.removeprefix("/static/")) for a in assets)
