"""Pure policy of the wildlife-damage relief insurance (野生动物致害政府救助责任险).

No database here. Every number of ../shared/docs/RULES.md §5 is a named setting below.
Sources: 《山西省陆生野生动物造成人身与财产损害补偿办法》(2023) for the species, the
exclusions and the amount; the county's policy (Pinglu: 500,000 yuan premium, province 40%,
county 60%, aggregate limit 8,000,000 yuan) for the figures; 保险法 第二十三条 for the
10 days from agreement to payment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

# --------------------------------------------------------------------------- policy figures

#: Pinglu's yearly premium, in fen (500,000 yuan): the default of a new policy year.
PREMIUM_DEFAULT_FEN = 500_000_00
#: The province pays 40% of the premium, the county the rest (60%).
PROVINCE_SHARE_PERCENT = 40
COUNTY_SHARE_PERCENT = 100 - PROVINCE_SHARE_PERCENT
#: The annual aggregate limit (累计赔偿限额), in fen (8,000,000 yuan).
AGGREGATE_LIMIT_DEFAULT_FEN = 8_000_000_00

# --------------------------------------------------------------------------- deadlines

#: 即报即接: a report is accepted on the working day it arrives (0 working days later).
ACCEPT_WORKING_DAYS = 0
#: Survey within 5 working days of acceptance (the acceptance day not counted).
SURVEY_WORKING_DAYS = 5
#: 即接即赔: payment within 10 (calendar) days of the farmer's agreement (保险法 第二十三条).
PAYMENT_DAYS = 10

# --------------------------------------------------------------------------- amounts

#: Area is measured in mu with two decimals; loss degree in whole percent, 1 to 100.
AREA_DECIMALS = 2
AREA_MAX_MU = Decimal("10000")
LOSS_PERCENT_MIN = 1
LOSS_PERCENT_MAX = 100
FEN = Decimal("0.01")

# --------------------------------------------------------------------------- photos

#: A report's or a survey's photo: an image (JPG or PNG) of at most 8 MB, at most 9 each.
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
PHOTOS_MAX_PER_CLAIM = 9

# --------------------------------------------------------------------------- species

#: Shanxi's list of covered species (RULES.md §5), the default of a new policy year; an
#: administrator edits a year's list before it starts.
SPECIES_DEFAULT: tuple[str, ...] = (
    "野猪",
    "雉鸡",
    "石鸡",
    "野兔",
    "獾",
    "豆雁",
    "斑嘴鸭",
    "绿头鸭",
    "灰斑鸠",
    "珠颈斑鸠",
    "山斑鸠",
    "黄喉貂",
    "金钱豹",
    "豹猫",
    "大天鹅",
)

#: Crops and growth stages a standards table may name (a county's table uses some of them).
CROPS: tuple[str, ...] = ("小麦", "玉米", "花生", "谷子", "大豆", "薯类", "蔬菜", "果树")
STAGES: tuple[str, ...] = ("苗期", "拔节期", "抽穗期", "开花期", "结实期", "成熟期")

#: The demo standards table (yuan per mu): a county enters its own.
STANDARDS_DEMO: tuple[tuple[str, str, Decimal], ...] = (
    ("小麦", "苗期", Decimal("300")),
    ("小麦", "拔节期", Decimal("550")),
    ("小麦", "成熟期", Decimal("850")),
    ("玉米", "苗期", Decimal("350")),
    ("玉米", "拔节期", Decimal("650")),
    ("玉米", "成熟期", Decimal("1150")),
    ("花生", "苗期", Decimal("400")),
    ("花生", "成熟期", Decimal("1250")),
)

# --------------------------------------------------------------------------- exclusions


class Exclusion(StrEnum):
    """The exclusions of RULES.md §5: a report refused names one of them."""

    PROVOKED = "provoked"
    RESERVE = "reserve"
    LIVESTOCK = "livestock"
    OUTSIDE_AREA = "outside_area"


EXCLUSION_LABELS: dict[Exclusion, str] = {
    Exclusion.PROVOKED: "因挑逗、投喂或猎捕野生动物造成的损失",
    Exclusion.RESERVE: "未经批准进入自然保护区造成的损失",
    Exclusion.LIVESTOCK: "在自然保护区内散放家畜造成的损失",
    Exclusion.OUTSIDE_AREA: "在划定的生产区域以外种植的农作物",
}

# --------------------------------------------------------------------------- amounts


class AmountError(ValueError):
    """An input of the amount that cannot be; ``field`` names it, the message says what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def area_parse(raw: str | Decimal) -> Decimal:
    """Damaged area in mu: more than 0, at most two decimals. Raises AmountError."""
    try:
        area = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise AmountError("area_mu", f"受损面积“{raw}”不是数字，请填写亩数，如2.37。") from None
    if not area.is_finite():
        raise AmountError("area_mu", "受损面积应为数字，如2.37亩。")
    if area <= 0:
        raise AmountError("area_mu", "受损面积应大于0亩。")
    if area > AREA_MAX_MU:
        raise AmountError("area_mu", f"受损面积不能超过{AREA_MAX_MU}亩，请核对。")
    exponent = area.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > AREA_DECIMALS:
        raise AmountError("area_mu", "受损面积最多保留两位小数（如2.37亩）。")
    return area.quantize(FEN)


def loss_percent_check(loss_percent: int) -> int:
    """Loss degree in whole percent, 1 to 100. Raises AmountError."""
    if isinstance(loss_percent, bool) or not isinstance(loss_percent, int):
        raise AmountError("loss_percent", "损失程度应为1至100之间的整数（百分比）。")
    if not LOSS_PERCENT_MIN <= loss_percent <= LOSS_PERCENT_MAX:
        raise AmountError(
            "loss_percent",
            f"损失程度应在{LOSS_PERCENT_MIN}%至{LOSS_PERCENT_MAX}%之间，您填写的是{loss_percent}%。",
        )
    return loss_percent


def amount(area_mu: Decimal, standard_yuan: Decimal, loss_percent: int) -> Decimal:
    """Amount = area (mu, 2 decimals) × standard (yuan per mu) × loss degree ÷ 100, rounded
    half up to the fen (四舍五入到分). Decimal only. Raises AmountError."""
    area = area_parse(area_mu)
    loss = loss_percent_check(loss_percent)
    exact = area * Decimal(standard_yuan) * Decimal(loss) / Decimal(100)
    return exact.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan_to_fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def premium_split(
    premium_fen: int, province_percent: int = PROVINCE_SHARE_PERCENT
) -> tuple[int, int]:
    """(province, county) shares of a premium in fen; the county's share takes the rounding."""
    province = int((Decimal(premium_fen) * province_percent / 100).to_integral_value(ROUND_HALF_UP))
    return province, premium_fen - province


@dataclass(frozen=True)
class Payout:
    """What a payout of ``due`` fen pays when ``left`` fen remain under the limit."""

    paid: int
    shortfall: int


def payout_within_limit(due: int, left: int) -> Payout:
    """A payout larger than what is left is paid up to what is left; the rest is the
    shortfall (RULES.md §5)."""
    paid = max(0, min(due, left))
    return Payout(paid=paid, shortfall=due - paid)


def accept_due(reported_on: dt.date, is_workday: Callable[[dt.date], bool]) -> dt.date:
    """The day a report must be accepted: the day it arrives when that is a working day,
    else the next working day (即报即接)."""
    day = reported_on
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def payment_due(agreed_on: dt.date) -> dt.date:
    """The latest day of payment: 10 days after the farmer's agreement."""
    return agreed_on + dt.timedelta(days=PAYMENT_DAYS)


# --------------------------------------------------------------------------- a point on the map

#: The extent of 运城市 (about 110.25–112.07 °E, 34.58–35.82 °N) with a margin: a point the
#: farmer picks on the map (在村内选点) must fall inside it. A phone's GPS point is kept as
#: the phone gives it.
PICKED_POINT_LATITUDE = (Decimal("34.5"), Decimal("35.9"))
PICKED_POINT_LONGITUDE = (Decimal("110.1"), Decimal("112.2"))


def picked_point_problem(latitude: Decimal, longitude: Decimal) -> str | None:
    """Why a point picked on the map cannot be where the loss is, or None."""
    south, north = PICKED_POINT_LATITUDE
    west, east = PICKED_POINT_LONGITUDE
    if not (south <= latitude <= north and west <= longitude <= east):
        return "选的点不在运城市范围内：请放大地图，在受损地块所在的村附近重新选点。"
    return None
