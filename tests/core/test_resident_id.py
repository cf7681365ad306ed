import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huimin.core.rules import ResidentIdError, resident_id_build, resident_id_parse

TODAY = dt.date(2026, 11, 29)
VALID = resident_id_build("140829", dt.date(1990, 3, 7), 19)  # sequence 019: odd, male


def test_valid_id_gives_birth_date_and_sex():
    parsed = resident_id_parse(VALID, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.sex, parsed.address_code) == (
        VALID,
        dt.date(1990, 3, 7),
        "M",
        "140829",
    )


def test_even_sequence_is_female():
    number = resident_id_build("140822", dt.date(2024, 2, 29), 20)
    assert resident_id_parse(number, today=TODAY).sex == "F"


def test_lower_case_x_is_accepted_and_stored_upper_case():
    body = "14082219900101007"  # this body's check character is X
    assert resident_id_build("140822", dt.date(1990, 1, 1), 7) == body + "X"
    assert resident_id_parse(body + "x", today=TODAY).number == body + "X"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写居民身份证号码。"),
        (
            "140829900307019",
            "这是15位的旧身份证号码，不再受理：请填写18位居民身份证号码（第二代身份证）。",
        ),
        ("1408291990030701", "居民身份证号码应为18位，您填写了16位。"),
        ("14082919900307A19" + "4", "居民身份证号码前17位应为数字，第18位应为数字或X。"),
        ("140829199002300190", "居民身份证号码第7至14位的出生日期“19900230”不是有效日期。"),
        (
            resident_id_build("140829", dt.date(2026, 12, 1), 1),
            "居民身份证号码中的出生日期2026-12-01晚于今天，请核对。",
        ),
        (
            resident_id_build("999999", dt.date(1990, 3, 7), 19),
            "居民身份证号码前6位地址码“999999”不是有效的行政区划代码，请核对。",
        ),
    ],
)
def test_bad_ids_are_refused_with_a_message_naming_the_problem(raw, message):
    with pytest.raises(ResidentIdError) as info:
        resident_id_parse(raw, today=TODAY)
    assert str(info.value) == message


def test_wrong_check_character_names_the_expected_one():
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    with pytest.raises(ResidentIdError) as info:
        resident_id_parse(wrong, today=TODAY)
    assert str(info.value) == (
        f"居民身份证号码校验码错误：按前17位计算，第18位应为“{VALID[17]}”，"
        f"您填写的是“{wrong[17]}”。请核对号码是否抄错。"
    )


def test_an_id_issued_after_the_2000_recoding_to_someone_born_before_it_is_accepted():
    # 盐湖区 has been 140802 since 2000; a resident born in 1995 carries it.
    number = resident_id_build("140802", dt.date(1995, 6, 1), 11)
    assert resident_id_parse(number, today=TODAY).birth_date == dt.date(1995, 6, 1)


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
    county=st.sampled_from(["140802", "140822", "140829", "140881"]),
)
def test_every_built_id_parses_back_to_its_date_and_sex(birth, sequence, county):
    parsed = resident_id_parse(resident_id_build(county, birth, sequence), today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.sex == ("M" if sequence % 2 else "F")
