"""The demo city: Yuncheng's regions, one demo account per role, synthetic people.

Deterministic for a seed: the same seed and scale build the same rows. Every other module
adds its part in its own ``demo.py`` with a ``build(ctx: DemoContext)``; ``demo_city_build``
finds them among the installed apps, so core never imports a module built on it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from faker import Faker
from simple_history.utils import bulk_create_with_history

from huimin.core import rules
from huimin.core.models import Person, Region, User
from huimin.core.services import region_create

#: Demo townships (乡镇、街道) per county; the names are real, the 9-digit codes follow the
#: statistical-code pattern but are not authoritative.
TOWNSHIPS: dict[str, tuple[str, ...]] = {
    "140802": ("北城街道", "东城街道", "解州镇", "龙居镇"),
    "140821": ("猗氏镇", "嵋阳镇", "临晋镇", "七级镇"),
    "140822": ("解店镇", "荣河镇", "汉薛镇", "里望乡"),
    "140823": ("桐城镇", "阳隅镇", "东镇镇", "礼元镇"),
    "140824": ("稷峰镇", "西社镇", "化峪镇", "翟店镇"),
    "140825": ("龙兴镇", "三泉镇", "泽掌镇", "北张镇"),
    "140826": ("古绛镇", "横水镇", "南樊镇", "卫庄镇"),
    "140827": ("新城镇", "历山镇", "古城镇", "王茅镇"),
    "140828": ("瑶峰镇", "庙前镇", "裴介镇", "水头镇"),
    "140829": ("圣人涧镇", "常乐镇", "张村镇", "三门镇"),
    "140830": ("古魏镇", "风陵渡镇", "陌南镇", "永乐镇"),
    "140881": ("城西街道", "城北街道", "蒲州镇", "开张镇"),
    "140882": ("城区街道", "清涧街道", "樊村镇", "僧楼镇"),
}

#: Villages named in the city's newspaper (township name → villages).
VILLAGES: dict[tuple[str, str], tuple[str, ...]] = {
    ("140829", "张村镇"): ("窑头村",),
    ("140829", "三门镇"): ("刘庄村",),
    ("140823", "阳隅镇"): ("龙到村",),
    ("140822", "荣河镇"): ("庙前村",),
}

SCALES = {"small": 20, "city": 2000}  # people per county


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: User.Role
    full_name: str
    organisation: str
    regions: tuple[str, ...]
    staff: bool = False
    home: str = ""  # a citizen's hukou region (default: CITIZEN_REGION)
    about: str = ""  # what a citizen's account is for, shown by ``huimin demo-logins``


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "admin",
        User.Role.CITY_ADMIN,
        "张建华",
        "运城市卫生健康委员会",
        ("140800",),
        staff=True,
    ),
    DemoAccount("yanhu", User.Role.COUNTY_OFFICIAL, "李晓梅", "盐湖区卫生健康局", ("140802",)),
    DemoAccount("wanrong", User.Role.COUNTY_OFFICIAL, "王志强", "万荣县卫生健康局", ("140822",)),
    DemoAccount("pinglu", User.Role.COUNTY_OFFICIAL, "孙立新", "平陆县卫生健康局", ("140829",)),
    DemoAccount(
        "beicheng",
        User.Role.TOWNSHIP_OFFICIAL,
        "赵丽娟",
        "盐湖区北城街道办事处",
        ("140802100",),
    ),
    DemoAccount("operator", User.Role.OPERATOR, "郭敏", "盐湖区综合托育服务中心", ("140802",)),
    DemoAccount(
        "inspector", User.Role.INSPECTOR, "陈国平", "运城市卫生健康综合行政执法队", ("140800",)
    ),
    # the double-random draw needs a pool: two more inspectors, one city-level, one of 盐湖区
    DemoAccount(
        "inspector2", User.Role.INSPECTOR, "王海涛", "运城市卫生健康综合行政执法队", ("140800",)
    ),
    DemoAccount(
        "inspector3", User.Role.INSPECTOR, "杜晓燕", "盐湖区卫生健康综合行政执法大队", ("140802",)
    ),
    DemoAccount("evaluator", User.Role.EVALUATOR, "杨慧", "运城幼儿师范高等专科学校", ("140800",)),
    DemoAccount("finance", User.Role.FINANCE, "周建军", "运城市财政局", ("140800",)),
    # the checker of maker–checker: approves the batches "finance" makes
    DemoAccount("finance2", User.Role.FINANCE, "刘芳", "运城市财政局", ("140800",)),
    DemoAccount("adjuster", User.Role.ADJUSTER, "吴磊", "中国人保财险平陆支公司", ("140829",)),
    DemoAccount("federation", User.Role.FEDERATION, "韩冰", "万荣县残疾人联合会", ("140822",)),
    DemoAccount("doctor", User.Role.DOCTOR, "马文斌", "运城市中心医院", ("140800",)),
    DemoAccount("citizen", User.Role.CITIZEN, "", "", (), about="育儿补贴申请人"),
    # a farmer of 平陆县张村镇窑头村: reports wildlife damage from a phone
    DemoAccount(
        "farmer", User.Role.CITIZEN, "", "", (), home="140829102201", about="野生动物致害报案农户"
    ),
)


@dataclass
class DemoContext:
    """What one module's builder hands the next: the seed's random source and the rows."""

    seed: int
    scale: str
    rng: random.Random
    faker: Faker
    today: dt.date
    regions: dict[str, Region] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    log: Callable[[str], None] = print  # noqa: T202 - overridden by the command


def random_resident_id(ctx: DemoContext, address_code: str, birth: dt.date, sex: str) -> str:
    """A valid, unused resident ID with the given address code, birth date and sex."""
    while True:
        seq = ctx.rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
        number = rules.resident_id_build(address_code, birth, seq)
        if number not in ctx.used_ids:
            ctx.used_ids.add(number)
            return number


def random_phone(rng: random.Random) -> str:
    return rng.choice(["135", "138", "139", "150", "152", "158", "187", "188"]) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


def random_bank_account(rng: random.Random) -> str:
    return rng.choice(["6217", "6228", "6222", "6230"]) + "".join(
        rng.choice("0123456789") for _ in range(15)
    )


BANKS = (
    "山西银行运城分行",
    "中国农业银行运城分行",
    "中国工商银行运城分行",
    "中国邮政储蓄银行运城市分行",
)


def build_regions(ctx: DemoContext) -> None:
    city = region_create(code=rules.CITY_CODE, name="运城市", level=Region.Level.CITY, parent=None)
    ctx.regions[city.code] = city
    for code, name in rules.COUNTIES:
        county = region_create(code=code, name=name, level=Region.Level.COUNTY, parent=city)
        ctx.regions[code] = county
        for i, township_name in enumerate(TOWNSHIPS[code]):
            township = region_create(
                code=f"{code}{100 + i:03d}",
                name=township_name,
                level=Region.Level.TOWNSHIP,
                parent=county,
            )
            ctx.regions[township.code] = township
            for j, village_name in enumerate(VILLAGES.get((code, township_name), ())):
                village = region_create(
                    code=f"{township.code}{201 + j:03d}",
                    name=village_name,
                    level=Region.Level.VILLAGE,
                    parent=township,
                )
                ctx.regions[village.code] = village
    ctx.log(f"行政区划：{len(ctx.regions)} 个（1 市、13 县、乡镇和示例村）")


def _random_person(ctx: DemoContext, county_code: str, birth: dt.date | None = None) -> Person:
    rng = ctx.rng
    if birth is None:
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 75))
        birth = min(birth, ctx.today - dt.timedelta(days=30))
    sex = rng.choice("MF")
    township_codes = [c for c in ctx.regions if c.startswith(county_code) and len(c) == 9]
    return Person(
        resident_id=random_resident_id(ctx, county_code, birth, sex),
        name=ctx.faker.last_name()
        + (ctx.faker.first_name_male() if sex == "M" else ctx.faker.first_name_female()),
        birth_date=birth,
        sex=sex,
        phone=random_phone(rng),
        bank_name=rng.choice(BANKS),
        bank_account=random_bank_account(rng),
        region=ctx.regions[rng.choice(township_codes)],
    )


def build_people(ctx: DemoContext) -> None:
    per_county = SCALES[ctx.scale]
    total = 0
    for code, name in rules.COUNTIES:
        people = [_random_person(ctx, code) for _ in range(per_county)]
        bulk_create_with_history(people, Person, batch_size=1000)
        total += len(people)
        ctx.log(f"  人员：{name} {len(people)} 人（累计 {total}）")


#: The demo guardian lives in 盐湖区北城街道, the demo township official's township.
CITIZEN_REGION = "140802100"


def _citizen_person(ctx: DemoContext, home: str = "") -> Person:
    """A demo citizen's own record: by default a mother in her thirties who can apply for her
    children's childcare subsidy; with ``home``, a farmer in his fifties living there."""
    if home:
        birth = dt.date(ctx.rng.randint(1966, 1974), ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))
        sex, name = "M", ctx.faker.last_name() + ctx.faker.first_name_male()
    else:
        birth = dt.date(ctx.rng.randint(1990, 1996), ctx.rng.randint(1, 12), ctx.rng.randint(1, 28))
        sex, name = "F", ctx.faker.last_name() + ctx.faker.first_name_female()
    region = home or CITIZEN_REGION
    person = Person(
        resident_id=random_resident_id(ctx, region[:6], birth, sex),
        name=name,
        birth_date=birth,
        sex=sex,
        phone=random_phone(ctx.rng),
        bank_name=BANKS[1],
        bank_account=random_bank_account(ctx.rng),
        region=ctx.regions[region],
    )
    person.save()
    return person


def build_accounts(ctx: DemoContext) -> None:
    password = settings.DEMO_PASSWORD
    for account in DEMO_ACCOUNTS:
        user = User(
            username=account.username,
            role=account.role,
            full_name=account.full_name,
            organisation=account.organisation,
            is_staff=account.staff,
            is_superuser=account.staff,
        )
        if account.role == User.Role.CITIZEN:
            user.person = _citizen_person(ctx, account.home)
            user.full_name = user.person.name
        user.set_password(password)
        user.save()
        user.regions.set([ctx.regions[c] for c in account.regions])
        ctx.users[account.username] = user
    ctx.log(f"演示账号：{len(DEMO_ACCOUNTS)} 个，密码均为 {password}")


Builder = Callable[[DemoContext], None]
#: The core builders, run first, in this order.
CORE_BUILDERS: list[Builder] = [build_regions, build_accounts, build_people]


def app_demo_builders() -> list[Builder]:
    """``build`` of every project app's ``demo`` module other than core's, in INSTALLED_APPS
    order (a module builds on the ones listed before it)."""
    builders = []
    for config in apps.get_app_configs():
        if config.name == "huimin.core" or not config.name.startswith("huimin."):
            continue
        name = f"{config.name}.demo"
        if importlib.util.find_spec(name) is None:
            continue
        build = getattr(importlib.import_module(name), "build", None)
        if callable(build):
            builders.append(build)
    return builders


def demo_city_build(
    *, seed: int, scale: str, today: dt.date, log: Callable[[str], None]
) -> DemoContext:
    """Build the whole demo city in one transaction: all of it or nothing."""
    if scale not in SCALES:
        raise ValueError(f"未知的规模“{scale}”，可选：{'、'.join(SCALES)}。")
    faker = Faker("zh_CN")
    faker.seed_instance(seed)
    ctx = DemoContext(
        seed=seed, scale=scale, rng=random.Random(seed), faker=faker, today=today, log=log
    )
    with transaction.atomic():
        for builder in [*CORE_BUILDERS, *app_demo_builders()]:
            builder(ctx)
    return ctx


def demo_city_exists() -> bool:
    return Region.objects.exists()
