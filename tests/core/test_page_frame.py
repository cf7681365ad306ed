"""The page frame every page shares: the menu that folds on a phone, the site icon, the login
page's links (none of them a dead end)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_is_served_at_the_address_browsers_ask_for(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_pages_link_the_icon_and_the_frame_script(client):
    html = client.get("/accounts/login/").content.decode()

    assert re.search(r'<link rel="icon" href="/static/huimin/favicon[.\w]*\.ico">', html)
    assert re.search(r'<script src="/static/huimin/site[.\w]*\.js"></script>', html)


def test_the_menu_has_a_button_that_folds_it(client, make_user):
    client.force_login(make_user("official", "county_official", ("140822",)))

    html = client.get("/home/").content.decode()

    assert (
        '<button class="menu-toggle" type="button" aria-controls="side-nav" '
        'aria-expanded="false">菜单</button>'
    ) in html
    assert '<nav class="side" id="side-nav"' in html


def test_login_page_promises_no_registration_and_every_link_opens(client, city):
    response = client.get("/accounts/login/")
    html = response.content.decode()

    assert "使用注册账号登录" not in html
    assert "群众暂不能在网上注册账号" in html
    links = re.findall(r'<a href="(/[^"]*)"', html)
    assert sorted(set(links)) == [
        "/accounts/login/",
        "/calendar/",
        "/demonstration/policies/",
        "/demonstration/public/",
        "/disability/postings/",
        "/subsidy/quote/",
        "/supervision/public/",
        "/wildlife/estimate/",
    ]
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)
