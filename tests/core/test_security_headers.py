"""Production settings: the Content-Security-Policy every page is served with (scripts from
our own files or with the request's nonce), and `check --deploy` clean with the production
environment the README documents (issue 12, item 8)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

from huimin.core.models import User


def test_pages_are_served_with_a_content_security_policy(client, db):
    response = client.get("/calendar/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy  # a nonce is added only where a page has inline code
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    # no inline handler left for the policy to block: the language switch is site.js's
    assert "onchange=" not in response.content.decode()


def test_an_inline_script_carries_the_nonce_of_its_response(client, make_user):
    client.force_login(make_user("cityadmin", User.Role.CITY_ADMIN, ("140800",)))
    response = client.get("/subsidy/dashboard/")
    nonce = re.search(r"'nonce-([\w+/=-]+)'", response["Content-Security-Policy"]).group(1)
    # every inline script that runs (not a JSON data block, not a file) carries the nonce
    scripts = [
        attrs
        for attrs in re.findall(r"<script([^>]*)>", response.content.decode())
        if "src=" not in attrs and "application/json" not in attrs
    ]
    assert scripts == [f' nonce="{nonce}"']


def test_check_deploy_passes_with_the_production_environment(tmp_path):
    env = {
        **os.environ,
        "HUIMIN_HTTPS": "1",
        "HUIMIN_SECRET_KEY": secrets.token_urlsafe(60),
        "HUIMIN_ALLOWED_HOSTS": "huimin.example.gov.cn",
        "HUIMIN_DATA_DIR": str(tmp_path),
        "HUIMIN_TESTING": "",
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "HUIMIN_DEBUG"):
        env.pop(name, None)  # the browser tests set the async one for their live server
    result = subprocess.run(  # noqa: S603 (our own CLI)
        [sys.executable, "-m", "huimin.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout
