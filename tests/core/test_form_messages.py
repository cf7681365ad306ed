"""Form errors a person reads name the field and say what to fix: not Django's stock
“确保该变量包含不超过 50 字符”."""

from __future__ import annotations

import pytest
from django.utils import translation

from huimin.core.forms import PersonForm


def _errors(**data):
    base = {"resident_id": "", "name": "张三", "region": "", "phone": "", "bank_name": ""}
    form = PersonForm({**base, **data})
    form.is_valid()
    return form.errors


def test_a_name_too_long_names_the_field_and_the_limit():
    errors = _errors(name="张" * 51)

    assert errors["name"] == ["姓名不能超过50个字符（现在是51个），请删减后再提交。"]


def test_the_bank_name_too_long_names_its_field():
    errors = _errors(bank_name="中国农业银行" * 10)

    assert errors["bank_name"] == ["开户银行不能超过50个字符（现在是60个），请删减后再提交。"]


@pytest.mark.parametrize("field", ["name", "bank_name", "phone", "bank_account"])
def test_no_length_message_is_djangos_stock_sentence(field):
    errors = _errors(**{field: "1" * 80})

    assert "确保该变量" not in errors[field][0]
    assert errors[field][0].endswith("请删减后再提交。")


def test_in_english_the_message_is_english():
    with translation.override("en"):
        errors = _errors(name="x" * 51)

    assert errors["name"] == ["Name can have at most 50 characters (it has 51); please shorten it."]
