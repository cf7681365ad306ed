"""One door for what people type (issue 11 items 4 and 10): identifiers and numbers are made
plain (NFKC, other scripts' digits, spaces and dashes) before they are validated, on every
interface; text with control characters is refused by the API, the page forms and the imports,
and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.core import imports, rules
from huimin.core.forms import PersonForm
from huimin.core.models import Person

NEW_ID = rules.resident_id_build("140822", dt.date(2024, 5, 20), 32)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("６２２８ ４８００－１２３４ ５６７８", "622848001234 5678".replace(" ", "")),
        ("٦٢٢٨٤٨٠٠١٢٣٤٥٦٧٨٩٠١", "6228480012345678901"),
        ("۱۳۸۳۵۹۰۱۲۳۴", "13835901234"),  # Persian (extended Arabic-Indic) digits
        ("138-3590\u20141234", "13835901234"),
        ("1408\u200b22\u3000199910031484", "140822199910031484"),
        ("１４０８２２１９９９１００３１４８ｘ", "14082219991003148x"),
        ("", ""),
    ],
)
def test_typed_numbers_are_made_plain(typed, plain):
    assert rules.typed_number(typed) == plain


def test_a_full_width_resident_id_parses_as_the_ascii_one():
    parsed = rules.resident_id_parse(NEW_ID.translate(FULL_WIDTH), today=dt.date(2026, 12, 7))

    assert parsed.number == NEW_ID


@pytest.mark.parametrize("table", [FULL_WIDTH, ARABIC_INDIC])
def test_phone_and_bank_account_in_other_digits_are_stored_in_ascii(table):
    assert rules.phone_normalize("138 3590 1234".translate(table)) == "13835901234"
    assert rules.bank_account_normalize("6228-4800-1234-5678-901".translate(table)) == (
        "6228480012345678901"
    )


def test_the_api_registers_a_person_typed_in_full_width(client, wanrong_official):
    client.force_login(wanrong_official)

    response = client.post(
        "/api/people",
        {
            "resident_id": NEW_ID.translate(FULL_WIDTH),
            "name": "王小宝",
            "region_code": "140822101",
            "phone": "１３８ ３５９０ １２３４",
            "bank_account": "٦٢٢٨٤٨٠٠١٢٣٤٥٦٧٨٩٠١",
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    person = Person.objects.get()
    assert (person.resident_id, person.phone, person.bank_account) == (
        NEW_ID,
        "13835901234",
        "6228480012345678901",
    )


def test_the_person_page_registers_a_person_typed_in_full_width(client, wanrong_official):
    client.force_login(wanrong_official)

    response = client.post(
        "/people/new/",
        {
            "resident_id": NEW_ID.translate(FULL_WIDTH),
            "name": "王小宝",
            "region": "140822101",
            "phone": "１３８－３５９０－１２３４",
            "bank_name": "",
            "bank_account": "",
        },
    )

    assert response.status_code == 302
    assert Person.objects.get().resident_id == NEW_ID
    assert Person.objects.get().phone == "13835901234"


# --------------------------------------------------------------------------- control characters


@pytest.mark.parametrize("name", ["王\x1b丽", "王丽\x00", "王\x7f丽", "王\u0085丽", "\x01"])
def test_the_api_refuses_a_name_with_a_control_character_and_stores_nothing(
    client, wanrong_official, name
):
    client.force_login(wanrong_official)

    response = client.post(
        "/api/people",
        {"resident_id": NEW_ID, "name": name, "region_code": "140822101"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "payload.name", "message": "name：含有不可见的控制字符，请删除后重新输入"}
    ]
    assert not Person.objects.exists()


def test_the_api_refuses_control_characters_inside_lists_of_text():
    from huimin.core.api import StrictIn

    class Items(StrictIn):
        names: list[str]

    with pytest.raises(ValueError, match="string_control"):
        Items.model_validate({"names": ["好", "坏\x01"]})


def test_a_page_form_refuses_a_control_character_in_any_text_field():
    form = PersonForm(
        {"resident_id": NEW_ID, "name": "王\x1b丽", "region": "", "bank_name": "农行\x01"},
    )

    assert not form.is_valid()
    assert form.errors["name"] == [rules.CONTROL_CHARACTERS_MESSAGE]
    assert form.errors["bank_name"] == [rules.CONTROL_CHARACTERS_MESSAGE]


def test_line_breaks_and_tabs_in_text_are_not_control_characters():
    assert not rules.text_has_control_characters("第一行\r\n第二行\t缩进")


def test_the_person_page_refuses_a_control_character_and_stores_nothing(client, wanrong_official):
    client.force_login(wanrong_official)

    response = client.post(
        "/people/new/",
        {"resident_id": NEW_ID, "name": "王\x1b丽", "region": "140822101"},
    )

    assert response.status_code == 200
    assert rules.CONTROL_CHARACTERS_MESSAGE in response.content.decode()
    assert not Person.objects.exists()


def test_an_import_cell_with_a_control_character_is_a_row_error():
    content = ("姓名,身份证号\r\n王\x01丽,x\r\n").encode()

    rows = list(imports.read_rows(content, ("姓名", "身份证号"), allow_csv=True))

    assert rows[0].errors == [imports.RowError(2, "姓名", rules.CONTROL_CHARACTERS_MESSAGE)]
    assert rows[0].read("姓名", imports.required) is None
    assert len(rows[0].errors) == 1


def test_a_full_width_resident_id_finds_the_person(client, wanrong_official, wanrong_person):
    client.force_login(wanrong_official)

    found = client.get("/api/people", {"q": wanrong_person.resident_id.translate(FULL_WIDTH)})

    assert [item["id"] for item in found.json()["items"]] == [wanrong_person.pk]


@pytest.mark.parametrize("url", ["/api/people", "/api/childcare/institutions"])
def test_a_list_filter_with_a_control_character_is_422(client, wanrong_official, url):
    client.force_login(wanrong_official)

    response = client.get(url, {"q": "王\x00"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "q", "message": "q：含有不可见的控制字符，请删除后重新输入"}
    ]


def test_an_id_typed_in_groups_fits_the_length_once_made_plain(client, wanrong_official):
    """Normalised before the length is checked: 18 characters typed as 22 with spaces."""
    client.force_login(wanrong_official)
    spaced = " ".join([NEW_ID[:6], NEW_ID[6:10], NEW_ID[10:14], NEW_ID[14:]]).translate(FULL_WIDTH)
    assert len(spaced) > 20

    api = client.post(
        "/api/people",
        {"resident_id": spaced, "name": "王小宝", "region_code": "140822101"},
        content_type="application/json",
    )

    assert api.status_code == 201
    assert Person.objects.get().resident_id == NEW_ID


def test_a_page_form_makes_numbers_plain_before_checking_their_length():
    spaced = " ".join([NEW_ID[:6], NEW_ID[6:10], NEW_ID[10:14], NEW_ID[14:]]).translate(FULL_WIDTH)
    form = PersonForm(
        {
            "resident_id": spaced,
            "name": "王小宝",
            "region": "",
            "phone": "１３８ ３５９０ １２３４",
            "bank_account": "٦٢٢٨ ٤٨٠٠ ١٢٣٤ ٥٦٧٨ ٩٠١",
        },
    )

    form.is_valid()

    assert "resident_id" not in form.errors
    assert (
        form.cleaned_data["resident_id"],
        form.cleaned_data["phone"],
        form.cleaned_data["bank_account"],
    ) == (NEW_ID, "13835901234", "6228480012345678901")
