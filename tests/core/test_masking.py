import datetime as dt
import itertools
import random

import pytest
from stdnum.cn import ric

from huimin.core import rules
from huimin.core.models import Person, User
from huimin.core.rules import mask_bank_account, mask_phone, mask_resident_id


@pytest.mark.parametrize(
    ("fn", "raw", "masked"),
    [
        (mask_resident_id, "140829199003070019", "1408**************"),
        (mask_resident_id, "14082219900101007X", "1408**************"),
        (mask_phone, "13835901234", "138****1234"),
        (mask_phone, "", ""),
        (mask_bank_account, "6217000012345678901", "6217***********8901"),
        (mask_bank_account, "", ""),
    ],
)
def test_masks(fn, raw, masked):
    assert fn(raw) == masked


# --------------------------------------------------------------------------- rebuilding a number
# Issue 11, item 2: a masked resident ID shown with the birth date, sex and region a role sees
# must not give the number back. An attacker knows the address code (from the region), the
# birth date, the parity of the sequence's last digit (from the sex) and GB 11643's check.


def candidates(masked: str, *, region_code: str, birth: dt.date, sex: str) -> list[str]:
    """Every 18-character number valid under GB 11643 that agrees with the masked form and
    with what the page shows beside it."""
    known = dict(enumerate(masked))
    for i, ch in enumerate(region_code[:6] + f"{birth:%Y%m%d}"):
        if known[i] != "*" and known[i] != ch:
            return []
        known[i] = ch
    free = [i for i in range(17) if known[i] == "*"]
    found = []
    for digits in itertools.product("0123456789", repeat=len(free)):
        body = [known[i] for i in range(17)]
        for i, d in zip(free, digits, strict=True):
            body[i] = d
        if (int(body[16]) % 2 == 1) != (sex == "M"):
            continue
        number = "".join(body)
        check = ric.calc_check_digit(number + "0")
        if known[17] in ("*", check):
            found.append(number + check)
    return found


def test_the_masked_form_shows_no_digit_of_the_sequence_nor_the_check_character():
    rng = random.Random(11)
    for _ in range(500):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(27_000))
        number = rules.resident_id_build("140822", birth, rng.randrange(1000))
        masked = rules.mask_resident_id(number)
        assert len(masked) == 18
        assert masked[14:] == "****"


def test_what_a_county_sees_of_a_person_leaves_at_least_100_candidate_numbers(
    client, make_user, make_person, city
):
    rng = random.Random(2)
    townships = sorted(c for c in city if len(c) == 9)
    people = [
        make_person(
            rng.choice(townships),
            name=f"样本{n}",
            birth=dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(31_000)),
            sex=rng.choice("MF"),
        )
        for n in range(60)
    ]
    client.force_login(make_user("city", User.Role.CITY_ADMIN, ("140800",)))

    rows = client.get("/api/people", {"page_size": 200}).json()["items"]

    assert len(rows) == len(people) == 60
    counts = []
    for row in rows:
        found = candidates(
            row["resident_id"],
            region_code=row["region_code"],
            birth=dt.date.fromisoformat(row["birth_date"]),
            sex=row["sex"],
        )
        assert Person.objects.get(pk=row["id"]).resident_id in found
        counts.append(len(found))
    assert min(counts) >= 100
    assert set(counts) == {500}  # 100 sequence pairs × 5 digits of the known parity


def test_the_old_mask_gave_the_whole_number_back():
    """Why the mask changed: first 4 and last 4 with the birth date and region left one."""
    number = rules.resident_id_build("140822", dt.date(1999, 10, 3), 148)
    old = number[:4] + "*" * 10 + number[-4:]
    assert candidates(old, region_code="140822103", birth=dt.date(1999, 10, 3), sex="F") == [number]
