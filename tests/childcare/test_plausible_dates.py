"""Dates that cannot be are refused in the childcare services as the subsidy refuses them
(issue 11 item 13): enrolment before the child's birth or in 1900, a guardian who is a child
entered as 母亲, a mother whose ID shows a man, staff hired in 2099 or 9999. Nothing is
stored on a refusal, not even the people the form named."""

from __future__ import annotations

import datetime as dt

import pytest

from huimin.childcare import services
from huimin.childcare.models import Enrollment, OutdoorActivity, Staff
from huimin.core.errors import InvalidInput
from huimin.core.models import Person

from .conftest import ENROLLED_ON, resident_id

CHILD_BIRTH = dt.date(2025, 5, 10)


def _enrol(operator, care_class, **fields):
    values = {
        "child_resident_id": resident_id(CHILD_BIRTH),
        "child_name": "王小宝",
        "guardian_resident_id": resident_id(dt.date(1992, 3, 3), male=False),
        "guardian_name": "李娟",
        "guardian_relation": "母亲",
        "enrolled_on": ENROLLED_ON,
        "agreement_signed_on": ENROLLED_ON,
        "admission_check_on": ENROLLED_ON,
        "vaccination_complete": True,
    }
    values.update(fields)
    return services.enrollment_create(actor=operator, class_id=care_class.pk, **values)


@pytest.mark.parametrize(
    ("enrolled_on", "message"),
    [
        (dt.date(2025, 5, 1), "入托日期2025-05-01早于幼儿的出生日期2025-05-10，请核对。"),
        (dt.date(1900, 1, 1), "入托日期1900-01-01早于1950年，请核对年份。"),
    ],
)
def test_an_enrolment_before_the_child_was_born_is_refused_and_nothing_stored(
    operator, toddler_class, enrolled_on, message
):
    people = Person.objects.count()

    with pytest.raises(InvalidInput) as info:
        _enrol(
            operator,
            toddler_class,
            enrolled_on=enrolled_on,
            agreement_signed_on=enrolled_on,
            admission_check_on=enrolled_on,
        )

    assert info.value.field_errors["enrolled_on"] == message
    assert info.value.field_errors["admission_check_on"] == message.replace(
        "入托日期", "入托体检日期"
    )
    assert not Enrollment.objects.exists()
    assert Person.objects.count() == people


def test_an_admission_check_before_the_child_was_born_is_refused(operator, toddler_class):
    with pytest.raises(InvalidInput) as info:
        _enrol(operator, toddler_class, admission_check_on=dt.date(2025, 5, 9))

    assert info.value.field_errors == {
        "admission_check_on": "入托体检日期2025-05-09早于幼儿的出生日期2025-05-10，请核对。"
    }
    assert not Enrollment.objects.exists()


def test_a_child_entered_as_mother_is_refused_and_nothing_stored(operator, toddler_class):
    people = Person.objects.count()

    with pytest.raises(InvalidInput) as info:
        _enrol(
            operator,
            toddler_class,
            guardian_resident_id=resident_id(dt.date(2025, 1, 2), male=False),
        )

    assert info.value.field_errors == {
        "guardian_resident_id": "按身份证号，监护人出生于2025-01-02，在2026-11-25未满18周岁，"
        "不能登记为监护人，请核对身份证号。"
    }
    assert not Enrollment.objects.exists()
    assert Person.objects.count() == people


def test_a_mother_whose_id_shows_a_man_is_refused(operator, toddler_class):
    with pytest.raises(InvalidInput) as info:
        _enrol(operator, toddler_class, guardian_resident_id=resident_id(dt.date(1990, 1, 2)))

    assert info.value.field_errors == {
        "guardian_relation": "监护人的身份证号码显示为男性，与“母亲”不符，"
        "请核对关系或监护人身份证号码。"
    }
    assert not Enrollment.objects.exists()


def test_the_child_cannot_be_its_own_guardian(operator, toddler_class):
    child = resident_id(CHILD_BIRTH)

    with pytest.raises(InvalidInput) as info:
        _enrol(
            operator,
            toddler_class,
            child_resident_id=child,
            guardian_resident_id=child,
            guardian_name="王小宝",
            guardian_relation="其他监护人",
        )

    assert info.value.field_errors == {
        "guardian_resident_id": "监护人不能是幼儿本人，请填写父母或其他监护人的身份证号。"
    }
    assert not Enrollment.objects.exists()


def test_a_plausible_enrolment_is_still_made(operator, toddler_class):
    enrollment = _enrol(operator, toddler_class)

    assert (enrollment.enrolled_on, enrollment.guardian_relation) == (ENROLLED_ON, "母亲")


@pytest.mark.parametrize(
    ("hired_on", "message"),
    [
        (dt.date(2099, 1, 1), "入职日期2099-01-01晚于今天，请核对。"),
        (dt.date(9999, 12, 31), "入职日期9999-12-31晚于今天，请核对。"),
        (dt.date(1900, 1, 1), "入职日期1900-01-01早于1950年，请核对年份。"),
    ],
)
def test_staff_hired_on_a_day_that_cannot_be_are_refused_and_nothing_stored(
    operator, institution, hired_on, message
):
    people = Person.objects.count()

    with pytest.raises(InvalidInput) as info:
        services.staff_hire(
            actor=operator,
            institution_id=institution.pk,
            resident_id=resident_id(dt.date(1990, 5, 1), male=False),
            name="刘芳",
            role="caregiver",
            hired_on=hired_on,
        )

    assert info.value.field_errors == {"hired_on": message}
    assert not Staff.objects.exists()
    assert Person.objects.count() == people


def test_a_staff_member_cannot_leave_in_the_future(operator, institution, hire):
    staff = hire(institution, "刘芳")

    with pytest.raises(InvalidInput) as info:
        services.staff_update(actor=operator, staff_id=staff.pk, left_on=dt.date(2099, 1, 1))

    assert info.value.field_errors == {"left_on": "离职日期2099-01-01晚于今天，请核对。"}
    staff.refresh_from_db()
    assert staff.left_on is None


def test_a_withdrawal_before_the_enrolment_is_refused(operator, toddler_class):
    enrollment = _enrol(operator, toddler_class)

    with pytest.raises(InvalidInput) as info:
        services.enrollment_withdraw(
            actor=operator, enrollment_id=enrollment.pk, on=dt.date(2026, 11, 15), reason="转园"
        )

    assert info.value.field_errors == {"on": "退托日期2026-11-15早于入托日期2026-11-16，请核对。"}
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.withdrawn_on) == ("active", None)


def test_a_daily_record_dated_1900_is_refused(operator, toddler_class):
    with pytest.raises(InvalidInput) as info:
        services.outdoor_record(
            actor=operator, class_id=toddler_class.pk, on=dt.date(1900, 1, 1), minutes=120
        )

    assert info.value.field_errors == {"on": "日期1900-01-01早于1950年，请核对年份。"}
    assert not OutdoorActivity.objects.exists()
