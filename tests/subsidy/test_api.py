import datetime as dt

import pytest
from django.utils import timezone

URL = "/api/subsidy/quote"


def test_quote_for_a_child_born_2023_12_15_is_exact(client, db):
    response = client.get(URL, {"birth_date": "2023-12-15"})

    assert response.status_code == 200
    assert response.json() == {
        "eligible": True,
        "total_months": 24,
        "total_amount": "7200.00",
        "years": [
            {"year": 2025, "months": 12, "amount": "3600.00"},
            {"year": 2026, "months": 12, "amount": "3600.00"},
        ],
    }


def test_quote_needs_no_login_and_no_database_queries(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(URL, {"birth_date": "2025-01-01"})
    assert response.status_code == 200
    assert response.json()["total_amount"] == "10800.00"


def test_quote_for_a_child_who_turned_3_before_2025_is_not_eligible(client, db):
    response = client.get(URL, {"birth_date": "2021-12-31"})

    assert response.json() == {
        "eligible": False,
        "total_months": 0,
        "total_amount": "0.00",
        "years": [],
    }


def test_a_future_birth_date_is_422_in_chinese(client, db):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    response = client.get(URL, {"birth_date": tomorrow.isoformat()})

    assert response.status_code == 422
    message = f"出生日期{tomorrow.isoformat()}晚于今天（{today.isoformat()}），请核对后重新填写。"
    assert response.json() == {
        "detail": message,
        "code": "invalid",
        "errors": [{"field": "birth_date", "message": message}],
    }


def test_a_birth_date_before_1900_is_422_in_chinese(client, db):
    response = client.get(URL, {"birth_date": "1899-12-31"})

    assert response.status_code == 422
    assert response.json()["detail"] == "出生日期1899-12-31早于1900年1月1日，请核对后重新填写。"


MALFORMED = "请求参数有误：出生日期 birth_date：应为 YYYY-MM-DD 格式的日期。"


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"birth_date": "2023-13-01"}, MALFORMED),
        ({"birth_date": "2023-02-29"}, MALFORMED),
        ({"birth_date": "20231215"}, MALFORMED),
        ({"birth_date": "0"}, MALFORMED),
        ({"birth_date": "2023-12-15T00:00:00"}, MALFORMED),
        ({"birth_date": " 2023-12-15"}, MALFORMED),
        ({}, "请求参数有误：出生日期 birth_date：缺少必填项。"),
    ],
)
def test_a_malformed_birth_date_is_422_in_chinese(client, db, params, detail):
    response = client.get(URL, params)

    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert response.json()["code"] == "invalid"


def test_topups_from_settings_raise_every_amount(client, db, settings):
    settings.SUBSIDY_PROVINCE_TOPUP_FEN_PER_MONTH = 50_00
    settings.SUBSIDY_CITY_TOPUP_FEN_PER_MONTH = 25_00

    response = client.get(URL, {"birth_date": "2022-06-15"})

    assert response.json() == {
        "eligible": True,
        "total_months": 6,
        "total_amount": "2250.00",
        "years": [{"year": 2025, "months": 6, "amount": "2250.00"}],
    }


def test_the_schema_documents_the_quote_as_public_with_422(client, db):
    operation = client.get("/api/openapi.json").json()["paths"]["/api/subsidy/quote"]["get"]

    assert "security" not in operation
    assert set(operation["responses"]) == {"200", "422"}
