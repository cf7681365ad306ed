from decimal import Decimal

import pytest

from huimin.wildlife import rules


@pytest.mark.parametrize(
    ("area", "standard", "loss", "expected"),
    [
        ("2.37", "1150", 35, "953.93"),  # 953.925: the half fen goes up
        ("0.01", "1150", 35, "4.03"),  # 4.025
        ("0.03", "550", 15, "2.48"),  # 2.475
        ("0.11", "650", 7, "5.01"),  # 5.005
        ("1.5", "850", 33, "420.75"),
        ("0.01", "300", 1, "0.03"),
        ("100", "1250", 100, "125000.00"),
        ("0.07", "350", 50, "12.25"),
        ("3.33", "400", 67, "892.44"),  # 892.44 exactly
        ("12.50", "1150", 100, "14375.00"),
        ("0.01", "300", 17, "0.51"),
        ("0.01", "350", 1, "0.04"),  # 0.035
        ("0.01", "250", 1, "0.03"),  # 0.025: half up, not to even
    ],
)
def test_amount_is_area_times_standard_times_loss_rounded_half_up_to_the_fen(
    area, standard, loss, expected
):
    value = rules.amount(Decimal(area), Decimal(standard), loss)

    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("0", "受损面积应大于0亩。"),
        ("-1.5", "受损面积应大于0亩。"),
        ("2.375", "受损面积最多保留两位小数（如2.37亩）。"),
        ("abc", "受损面积“abc”不是数字，请填写亩数，如2.37。"),
        ("NaN", "受损面积应为数字，如2.37亩。"),
        ("10000.01", "受损面积不能超过10000亩，请核对。"),
    ],
)
def test_an_area_that_cannot_be_is_refused_with_its_reason(area, message):
    with pytest.raises(rules.AmountError) as caught:
        rules.area_parse(area)
    assert (caught.value.field, caught.value.message) == ("area_mu", message)


def test_an_area_with_trailing_zeros_is_two_decimals():
    assert rules.area_parse("2.370") == Decimal("2.37")


@pytest.mark.parametrize("loss", [0, 101, -5, True])
def test_a_loss_degree_outside_1_to_100_is_refused(loss):
    with pytest.raises(rules.AmountError):
        rules.loss_percent_check(loss)


def test_the_premium_is_split_40_60():
    assert rules.premium_split(rules.PREMIUM_DEFAULT_FEN) == (200_000_00, 300_000_00)
    assert rules.premium_split(1001) == (400, 601)


@pytest.mark.parametrize(
    ("due", "left", "paid", "shortfall"),
    [(600, 1000, 600, 0), (600, 400, 400, 200), (600, 0, 0, 600), (600, 600, 600, 0)],
)
def test_a_payout_beyond_what_is_left_is_paid_up_to_it(due, left, paid, shortfall):
    assert rules.payout_within_limit(due, left) == rules.Payout(paid, shortfall)


def test_the_numbers_of_rules_md_5_are_settings():
    assert rules.PROVINCE_SHARE_PERCENT + rules.COUNTY_SHARE_PERCENT == 100
    assert rules.PROVINCE_SHARE_PERCENT == 40
    assert rules.AGGREGATE_LIMIT_DEFAULT_FEN == 8_000_000_00
    assert rules.SURVEY_WORKING_DAYS == 5
    assert rules.PAYMENT_DAYS == 10
    assert rules.ACCEPT_WORKING_DAYS == 0
    assert "大天鹅" in rules.SPECIES_DEFAULT
    assert len(rules.SPECIES_DEFAULT) == 15
    assert len(rules.EXCLUSION_LABELS) == 4
