"""A Pinglu policy year (2026) with the demo standards table, the adjuster, county forestry,
a farmer with a citizen account in 窑头村, and a helper that walks a claim to any state."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from huimin.core.models import Person, User
from huimin.wildlife import rules, services
from huimin.wildlife.models import Claim, Policy

BEIJING = ZoneInfo("Asia/Shanghai")
PINGLU = "140829"
YAOTOU = "140829102201"  # 窑头村, 张村镇
LIUZHUANG = "140829103201"  # 刘庄村, 三门镇
#: Monday 2026-06-15, 09:00 Beijing time: a working day in the 2026 policy year.
MONDAY = dt.datetime(2026, 6, 15, 9, 0, tzinfo=BEIJING)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def jpeg(name: str = "loss.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")


@pytest.fixture
def admin_user(make_user) -> User:
    return make_user("wl_admin", User.Role.CITY_ADMIN, ("140800",))


@pytest.fixture
def adjuster(make_user) -> User:
    return make_user("adjuster", User.Role.ADJUSTER, (PINGLU,), full_name="吴磊")


@pytest.fixture
def forestry(make_user) -> User:
    return make_user("pinglu", User.Role.COUNTY_OFFICIAL, (PINGLU,), full_name="孙立新")


@pytest.fixture
def farmer_person(make_person) -> Person:
    return make_person(YAOTOU, name="段卫东")


@pytest.fixture
def farmer(make_user, farmer_person) -> User:
    return make_user("farmer", User.Role.CITIZEN, (), person=farmer_person)


@pytest.fixture
def policy(admin_user, city) -> Policy:
    """Pinglu 2026: the demo table, 500,000 premium, 8,000,000 limit; already started."""
    policy = Policy.objects.create(
        region=city[PINGLU],
        year=2026,
        insurer="中国人保财险平陆支公司",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        created_by=admin_user,
    )
    for crop, stage, value in rules.STANDARDS_DEMO:
        policy.standards.create(crop=crop, stage=stage, yuan_per_mu=value)
    return policy


@pytest.fixture
def report(farmer, policy) -> Callable[..., Claim]:
    def _report(
        *, crop: str = "玉米", area: str = "2.37", species: str = "野猪", when=MONDAY, **kw
    ) -> Claim:
        actor = kw.pop("actor", farmer)
        photos = kw.pop("photos", None)
        data = services.ReportInput(
            region_code=kw.pop("region_code", YAOTOU),
            crop=crop,
            area_mu=area,
            species=species,
            damaged_on=kw.pop("damaged_on", when.date() - dt.timedelta(days=1)),
            **kw,
        )
        return services.claim_report(actor=actor, data=data, photos=photos, at=when)

    return _report


@pytest.fixture
def surveyed(report, adjuster) -> Callable[..., Claim]:
    """A claim reported, accepted and surveyed (玉米成熟期 by default)."""

    def _surveyed(
        *, area: str = "2.37", loss: int = 35, stage: str = "成熟期", crop: str = "玉米"
    ) -> Claim:
        claim = report(crop=crop, area=area)
        services.claim_accept(actor=adjuster, claim_id=claim.pk, at=MONDAY)
        services.visit_record(
            actor=adjuster,
            visited_on=MONDAY.date(),
            entries=[services.SurveyEntry(claim.pk, crop, stage, Decimal(area), loss)],
            at=MONDAY,
        )
        claim.refresh_from_db()
        return claim

    return _surveyed


@pytest.fixture
def agreed(surveyed, farmer) -> Callable[..., Claim]:
    def _agreed(**kw) -> Claim:
        claim = surveyed(**kw)
        return services.claim_confirm(actor=farmer, claim_id=claim.pk, at=MONDAY)

    return _agreed
