"""The acting scope (issue 11, item 1): a user may act on a record whose region lies in or
below one of their own regions — not on one they merely see from below (a city plan seen by a
county). Every module's service writes ask ``region_act_require``; their see-but-not-act tests
are in tests/<app>/test_acting_scope.py."""

from __future__ import annotations

import pytest

from huimin.core import services
from huimin.core.errors import Forbidden
from huimin.core.models import AccessLog, Event, Person, User
from huimin.core.rules import region_path_covered
from huimin.core.selectors import person_get_for_user, region_act_require, region_may_act


@pytest.mark.parametrize(
    ("own", "path", "covered"),
    [
        (["140800/"], "140800/", True),
        (["140800/"], "140800/140822/140822100/", True),
        (["140800/140822/"], "140800/140822/", True),
        (["140800/140822/"], "140800/140822/140822100/", True),
        (["140800/140822/"], "140800/", False),  # the city, seen from below
        (["140800/140822/"], "140800/140829/", False),  # another county
        (["140800/140822/140822100/"], "140800/140822/", False),
        (["140800/140802/", "140800/140822/"], "140800/140822/140822100/", True),
        ([""], "140800/", True),  # a superuser
        ([], "140800/140822/", False),  # no regions
    ],
)
def test_a_region_is_covered_by_itself_and_what_lies_above_it(own, path, covered):
    assert region_path_covered(own, path) is covered


def test_a_county_acts_in_its_county_but_not_on_the_city(city, wanrong_official, make_user):
    assert region_may_act(wanrong_official, city["140822100"]) is True
    assert region_may_act(wanrong_official, city["140822"]) is True
    assert region_may_act(wanrong_official, city["140800"]) is False
    with pytest.raises(Forbidden) as error:
        region_act_require(wanrong_official, city["140800"])
    assert error.value.message == (
        "该记录属于运城市，不在您负责的区域内：您可以查看，但不能办理。"
        "请由负责该区域的工作人员办理。"
    )
    admin = make_user("city", User.Role.CITY_ADMIN, ("140800",))
    assert region_may_act(admin, city["140822100"]) is True
    nobody = make_user("nobody", User.Role.COUNTY_OFFICIAL, ())
    assert region_may_act(nobody, city["140822"]) is False


# --------------------------------------------------------------------------- people


def person_state(person_id: int) -> tuple:
    return (
        tuple(Person.objects.filter(pk=person_id).values_list()),
        Person.objects.count(),
        AccessLog.objects.count(),
        Event.objects.count(),
    )


PERSON_WRITES = {
    "person_update": lambda a, p: services.person_update(
        actor=a, person_id=p, name="改名", phone=None, bank_name="", bank_account=None
    ),
    "person_transition": lambda a, p: services.person_transition(
        actor=a, person_id=p, to_status="moved_out", reason="户口迁移证 No.1"
    ),
    "person_reveal": lambda a, p: services.person_reveal(actor=a, person_id=p),
}

#: Roles that see a person of 万荣县 but may not change (or, some, reveal) the record.
SEE_ONLY = [
    ("finance", User.Role.FINANCE, ("140800",), ["person_update", "person_transition"]),
    ("federation", User.Role.FEDERATION, ("140822",), list(PERSON_WRITES)),
    ("citizen", User.Role.CITIZEN, (), ["person_update", "person_transition"]),
]


@pytest.mark.parametrize(("username", "role", "regions", "writes"), SEE_ONLY)
def test_who_sees_a_person_but_may_not_change_the_record_is_refused(
    make_user, wanrong_person, username, role, regions, writes
):
    fields = {"person": wanrong_person} if role == User.Role.CITIZEN else {}
    user = make_user(username, role, regions, **fields)
    assert person_get_for_user(user=user, person_id=wanrong_person.pk) == wanrong_person
    before = person_state(wanrong_person.pk)

    for write in writes:
        with pytest.raises(Forbidden):
            PERSON_WRITES[write](user, wanrong_person.pk)

    assert person_state(wanrong_person.pk) == before
