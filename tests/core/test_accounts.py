import pytest
from django.conf import settings

from huimin.core.models import User
from huimin.core.services import api_token_create, api_token_revoke

HOME_TITLES = {
    User.Role.CITY_ADMIN: "市级管理工作台",
    User.Role.COUNTY_OFFICIAL: "县级工作台",
    User.Role.TOWNSHIP_OFFICIAL: "乡镇（街道）工作台",
    User.Role.OPERATOR: "托育机构工作台",
    User.Role.INSPECTOR: "监督检查工作台",
    User.Role.EVALUATOR: "示范评估工作台",
    User.Role.FINANCE: "财务工作台",
    User.Role.ADJUSTER: "保险查勘工作台",
    User.Role.FEDERATION: "残联工作台",
    User.Role.DOCTOR: "评残医生工作台",
    User.Role.CITIZEN: "我的服务",
}


@pytest.mark.parametrize(("role", "title"), HOME_TITLES.items())
def test_each_role_has_its_home_page_in_chinese(client, make_user, role, title):
    user = make_user(f"u_{role}", role, ("140822",))
    client.force_login(user)
    content = client.get("/home/").content.decode()
    assert f"<h1>{title}</h1>" in content
    assert '<html lang="zh-hans">' in content


def test_navigation_follows_the_role(client, make_user):
    client.force_login(make_user("official", User.Role.COUNTY_OFFICIAL, ("140822",)))
    assert 'href="/people/"' in client.get("/home/").content.decode()
    client.force_login(make_user("doc", User.Role.DOCTOR, ("140800",)))
    assert 'href="/people/"' not in client.get("/home/").content.decode()


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get("/home/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/home/")


def test_login_with_the_right_password_opens_the_home_page(client, make_user):
    make_user("wanrong", User.Role.COUNTY_OFFICIAL, ("140822",))
    response = client.post(
        "/accounts/login/", {"username": "wanrong", "password": "pw-Huimin-2026"}
    )
    assert (response.status_code, response["Location"]) == (302, "/home/")


def test_login_is_throttled_after_repeated_failures(client, make_user):
    make_user("wanrong", User.Role.COUNTY_OFFICIAL, ("140822",))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "wanrong", "password": "wrong"})
        assert "用户名或密码不正确" in response.content.decode()
    locked = client.post("/accounts/login/", {"username": "wanrong", "password": "wrong"})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # even the right password is refused while locked
    again = client.post("/accounts/login/", {"username": "wanrong", "password": "pw-Huimin-2026"})
    assert again.status_code == 429


def test_passwords_are_hashed_with_argon2_outside_tests():
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS


def test_api_token_authenticates_an_api_client(client, make_user):
    user = make_user("client", User.Role.CITY_ADMIN, ("140800",))
    token, key = api_token_create(user=user, name="统计报表")
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["role_label"] == "市级管理员"
    api_token_revoke(user=user, token_id=token.pk)
    revoked = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert revoked.status_code == 401
    assert revoked.json()["detail"] == "请先登录，或在 Authorization 头中提供有效的 Bearer 令牌。"


def test_unknown_pages_get_a_friendly_chinese_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到该页面或记录" in response.content.decode()


def test_english_is_switchable(client, make_user):
    client.force_login(make_user("official", User.Role.COUNTY_OFFICIAL, ("140822",)))
    client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    content = client.get("/home/").content.decode()
    assert '<html lang="en">' in content
    assert "<h1>County desk</h1>" in content
    assert '<a href="/people/" >People</a>' in content


def test_a_crash_shows_a_friendly_chinese_500_page_and_saves_nothing_half(
    client, make_user, monkeypatch
):
    from huimin.core import views

    def boom(**kwargs):
        raise RuntimeError("disk full")

    client.force_login(make_user("official", User.Role.COUNTY_OFFICIAL, ("140822",)))
    monkeypatch.setattr(views.selectors, "person_list_for_user", boom)
    client.raise_request_exception = False
    response = client.get("/people/")
    assert response.status_code == 500
    assert "您刚才的操作没有完成" in response.content.decode()


def test_chinese_is_the_default_whatever_the_browser_asks(client, make_user):
    client.force_login(make_user("official", User.Role.COUNTY_OFFICIAL, ("140822",)))
    content = client.get("/home/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in content
    assert '<option value="en">English</option>' in content


def test_the_menu_follows_the_role_for_a_superuser_too_and_offers_the_admin(client, make_user):
    admin = make_user("root", User.Role.CITY_ADMIN, ("140800",), is_staff=True, is_superuser=True)
    client.force_login(admin)
    content = client.get("/home/").content.decode()
    assert 'href="/admin/"' in content
    assert 'href="/childcare/mine/"' not in content
