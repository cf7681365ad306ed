import datetime as dt

from django.utils import timezone

URL = "/subsidy/quote/"


def test_quote_page_is_public_and_explains_the_rule(client, db):
    response = client.get(URL)
    content = response.content.decode()

    assert response.status_code == 200
    assert "<h1>育儿补贴测算</h1>" in content
    assert "2025年1月1日以前出生的" in content
    assert "共24个月 7,200 元" in content
    assert 'name="birth_date"' in content
    assert 'hx-get="/subsidy/quote/"' in content


def test_quote_page_shows_the_years_and_the_total(client, db):
    response = client.get(URL, {"birth_date": "2023-12-15"})
    content = response.content.decode()

    assert "可领取育儿补贴 <strong>7,200</strong> 元，共 24 个月。" in content
    assert "2023年12月15日出生，2026年12月15日年满3周岁：从2025年1月起至2026年12月" in content
    assert '<td>2025年</td><td class="num">12</td><td class="num">3,600</td>' in content
    assert '<td>2026年</td><td class="num">12</td><td class="num">3,600</td>' in content
    assert "<td>2027年</td>" not in content
    assert '<th>合计</th><th class="num">24</th><th class="num">7,200</th>' in content


def test_quote_page_htmx_request_gets_only_the_fragment(client, db):
    response = client.get(URL, {"birth_date": "2025-03-01"}, headers={"HX-Request": "true"})
    content = response.content.decode()

    assert "<html" not in content
    assert "可领取育儿补贴 <strong>10,800</strong> 元，共 36 个月。" in content
    assert "2025年3月1日出生：2025年至2027年每年按全年发放。" in content
    assert "HX-Request" in response["Vary"]


def test_quote_page_for_a_child_born_before_2022(client, db):
    content = client.get(URL, {"birth_date": "2021-12-31"}).content.decode()

    assert "不在育儿补贴范围内" in content
    assert "2021年12月31日出生的孩子于2024年12月31日年满3周岁" in content


def test_a_future_date_shows_the_chinese_message_next_to_the_field(client, db):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    content = client.get(
        URL, {"birth_date": tomorrow.isoformat()}, headers={"HX-Request": "true"}
    ).content.decode()

    assert (
        f'<ul class="errorlist" id="id_birth_date_error"><li>出生日期{tomorrow.isoformat()}'
        f"晚于今天（{today.isoformat()}），请核对后重新填写。</li></ul>"
    ) in content
    assert "可领取" not in content


def test_a_malformed_date_shows_the_chinese_message_next_to_the_field(client, db):
    content = client.get(URL, {"birth_date": "2023-13-01"}).content.decode()

    assert "请按 YYYY-MM-DD 格式填写出生日期，例如 2023-12-15。" in content
    assert 'class="field invalid"' in content


def test_anonymous_navigation_offers_the_calculator(client, db):
    assert 'href="/subsidy/quote/"' in client.get("/accounts/login/").content.decode()


def test_topups_are_named_on_the_page(client, db, settings):
    settings.SUBSIDY_CITY_TOPUP_FEN_PER_MONTH = 100_00

    content = client.get(URL, {"birth_date": "2023-12-15"}).content.decode()

    assert "可领取育儿补贴 <strong>9,600</strong> 元" in content
    assert "市级加发每月 100 元，合计每月 400 元" in content
