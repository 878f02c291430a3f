"""Synthetic table content for the demo catalog's CSV resources.

A table is a list of columns; each column is a header and a cell rule. Rows are
drawn from a ``random.Random`` the caller seeds, so the same seed always yields
the same bytes. Everything here is invented: places are real Chongqing districts,
streets and roads, but every facility, company, code and number is made up, and
telephone numbers use the unassigned ``023-0000`` prefix so nobody mistakes them
for real ones. Pure module: no CKAN imports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ckanext.cqgov.catalog.uscc import USCC_ALPHABET, make_uscc

# --- places -----------------------------------------------------------------

#: Streets (街道) of the central urban districts.
STREETS: dict[str, tuple[str, ...]] = {
    "渝中区": (
        "解放碑街道",
        "朝天门街道",
        "七星岗街道",
        "大溪沟街道",
        "上清寺街道",
        "两路口街道",
        "菜园坝街道",
        "南纪门街道",
        "石油路街道",
        "大坪街道",
        "化龙桥街道",
    ),
    "江北区": (
        "观音桥街道",
        "华新街街道",
        "五里店街道",
        "石马河街道",
        "大石坝街道",
        "寸滩街道",
        "江北城街道",
        "铁山坪街道",
        "郭家沱街道",
    ),
    "沙坪坝区": (
        "小龙坎街道",
        "沙坪坝街道",
        "渝碚路街道",
        "磁器口街道",
        "童家桥街道",
        "石井坡街道",
        "井口街道",
        "歌乐山街道",
        "山洞街道",
        "新桥街道",
        "天星桥街道",
        "土湾街道",
        "覃家岗街道",
        "虎溪街道",
        "西永街道",
    ),
    "九龙坡区": ("杨家坪街道", "黄桷坪街道", "谢家湾街道", "石坪桥街道", "石桥铺街道"),
    "南岸区": ("南坪街道", "铜元局街道", "花园路街道", "南山街道", "弹子石街道"),
    "渝北区": ("双龙湖街道", "回兴街道", "龙溪街道", "龙山街道", "龙塔街道"),
    "大渡口区": ("新山村街道", "跃进村街道", "九宫庙街道", "茄子溪街道", "春晖路街道"),
    "巴南区": ("鱼洞街道", "李家沱街道", "龙洲湾街道", "花溪街道", "南泉街道"),
    "北碚区": ("天生街道", "朝阳街道", "北温泉街道", "东阳街道", "龙凤桥街道"),
}

#: The central urban districts, which municipal tables cover.
URBAN_DISTRICTS: tuple[str, ...] = tuple(STREETS)

ROADS: tuple[str, ...] = (
    "中山路",
    "人民路",
    "民生路",
    "建设路",
    "新华路",
    "解放路",
    "滨江路",
    "学府大道",
    "科园一路",
    "金开大道",
    "红锦大道",
    "渝州路",
    "石杨路",
    "南城大道",
    "天星桥正街",
    "建新北路",
    "北城天街",
    "渝鲁大道",
    "龙华大道",
    "凤天大道",
    "汉渝路",
    "长江一路",
)

RAIL_LINES: tuple[str, ...] = (
    "环线",
    "1号线",
    "2号线",
    "3号线",
    "4号线",
    "5号线",
    "6号线",
    "9号线",
    "10号线",
    "18号线",
    "国博线",
)
RAIL_STATIONS: tuple[str, ...] = (
    "小什字",
    "较场口",
    "七星岗",
    "两路口",
    "鹅岭",
    "大坪",
    "沙坪坝",
    "小龙坎",
    "观音桥",
    "红旗河沟",
    "牛角沱",
    "李子坝",
    "佛图关",
    "重庆北站南广场",
    "礼嘉",
    "冉家坝",
    "大龙山",
    "上新街",
    "南坪",
    "四公里",
    "杨家坪",
    "谢家湾",
    "鱼洞",
    "江北机场T2航站楼",
    "光电园",
    "大学城",
    "磁器口",
    "金童路",
    "悦来",
    "五里店",
)

#: Bounding box of the central urban area, for coordinates.
LNG_RANGE = (106.35, 106.75)
LAT_RANGE = (29.40, 29.75)

#: Invented words for synthetic facility and company names.
NAME_WORDS: tuple[str, ...] = (
    "山城",
    "嘉陵",
    "两江",
    "渝新",
    "鹅岭",
    "南山",
    "缙云",
    "歌乐",
    "长江",
    "朝天",
    "明月",
    "龙湖",
    "金碧",
    "枇杷",
    "华岩",
    "铜锣",
    "虎头",
    "凤鸣",
    "云篆",
    "白鹤",
)


# --- cells ------------------------------------------------------------------


@dataclass
class RowContext:
    """What a row's cells share: the random source, the row, period and places."""

    rng: random.Random
    index: int
    year: int
    districts: Sequence[str]
    #: Values drawn for this row that other cells build on (place, amounts).
    values: dict[str, Any] = field(default_factory=dict)

    def district(self) -> str:
        if "district" not in self.values:
            self.values["district"] = self.rng.choice(self.districts)
        return self.values["district"]

    def street(self) -> str:
        if "street" not in self.values:
            self.values["street"] = self.rng.choice(STREETS[self.district()])
        return self.values["street"]


Cell = Callable[[RowContext], str]


def seq(prefix: str, width: int = 4) -> Cell:
    return lambda row: f"{prefix}{row.index + 1:0{width}d}"


def choice(*options: str) -> Cell:
    return lambda row: row.rng.choice(options)


def weighted(**weights: int) -> Cell:
    options, counts = zip(*weights.items(), strict=True)
    return lambda row: row.rng.choices(options, counts)[0]


def _kept(row: RowContext, store: str | None, value: float) -> float:
    if store:
        row.values[store] = value
    return value


def integer(lo: int, hi: int, store: str | None = None) -> Cell:
    """A whole number in [lo, hi]; ``store`` keeps it for :func:`scaled` and co."""
    return lambda row: str(_kept(row, store, row.rng.randint(lo, hi)))


def decimal(lo: float, hi: float, digits: int = 1, store: str | None = None) -> Cell:
    def cell(row: RowContext) -> str:
        return f"{_kept(row, store, round(row.rng.uniform(lo, hi), digits)):.{digits}f}"

    return cell


def scaled(
    key: str, lo: float, hi: float, digits: int = 0, store: str | None = None
) -> Cell:
    """The stored amount ``key`` times a factor in [lo, hi] (e.g. a part of it)."""

    def cell(row: RowContext) -> str:
        value = round(row.values[key] * row.rng.uniform(lo, hi), digits)
        return f"{_kept(row, store, value):.{digits}f}"

    return cell


def total(*keys: str, digits: int = 2) -> Cell:
    """The sum of stored amounts."""
    return lambda row: f"{sum(row.values[key] for key in keys):.{digits}f}"


def percent(part: str, whole: str, digits: int = 2) -> Cell:
    return lambda row: f"{100 * row.values[part] / row.values[whole]:.{digits}f}"


def aqi_level(key: str) -> Cell:
    """The air quality level (HJ 633) of the stored AQI ``key``."""
    bounds = ((50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"))

    def cell(row: RowContext) -> str:
        aqi = row.values[key]
        return next((level for bound, level in bounds if aqi <= bound), "重度污染")

    return cell


class Profile:
    """Combinations of values that belong together, one drawn per row.

    ``Profile({"kind": "医院", "beds": (100, 900)}, ...)``; columns then take
    ``profile.value("kind")`` or ``profile.integer("beds")``.
    """

    def __init__(self, *options: dict[str, Any]) -> None:
        self.options = options
        self.key = f"profile-{id(self)}"

    def _chosen(self, row: RowContext) -> dict[str, Any]:
        if self.key not in row.values:
            row.values[self.key] = row.rng.choice(self.options)
        return row.values[self.key]

    def value(self, name: str) -> Cell:
        return lambda row: str(self._chosen(row)[name])

    def integer(self, name: str) -> Cell:
        return lambda row: str(row.rng.randint(*self._chosen(row)[name]))


def district(row: RowContext) -> str:
    return row.district()


def street(row: RowContext) -> str:
    return row.street()


def address(row: RowContext) -> str:
    return f"重庆市{row.district()}{row.rng.choice(ROADS)}{row.rng.randint(1, 399)}号"


def longitude(row: RowContext) -> str:
    return f"{row.rng.uniform(*LNG_RANGE):.6f}"


def latitude(row: RowContext) -> str:
    return f"{row.rng.uniform(*LAT_RANGE):.6f}"


def phone(row: RowContext) -> str:
    """A telephone number in the unassigned ``023-0000`` range: obviously synthetic."""
    return f"023-0000{row.rng.randint(0, 9999):04d}"


def name(pattern: str, **choices: Sequence[str] | Cell) -> Cell:
    """A synthetic name from ``pattern``.

    Placeholders: ``{word}`` (an invented word), ``{district}``, ``{street}``,
    ``{road}``, ``{n}`` (1–99) and any keyword given as a list of choices or a
    cell (e.g. a :class:`Profile` value).
    """

    def cell(row: RowContext) -> str:
        values = {
            key: options(row) if callable(options) else row.rng.choice(options)
            for key, options in sorted(choices.items())
        }
        return pattern.format(
            word=row.rng.choice(NAME_WORDS),
            district=row.district() if "{district}" in pattern else "",
            street=row.street() if "{street}" in pattern else "",
            road=row.rng.choice(ROADS),
            n=row.rng.randint(1, 99),
            **values,
        )

    return cell


def date(row: RowContext) -> str:
    """A day of the row's year; kept as ``"date"`` for :func:`days_after`."""
    day = dt.date(row.year, 1, 1) + dt.timedelta(days=row.rng.randrange(365))
    row.values["date"] = day
    return day.isoformat()


def days_after(lo: int, hi: int) -> Cell:
    """A day ``lo``–``hi`` days after the row's :func:`date`."""

    def cell(row: RowContext) -> str:
        return (
            row.values["date"] + dt.timedelta(days=row.rng.randint(lo, hi))
        ).isoformat()

    return cell


def past_date(first_year: int) -> Cell:
    """A date between 1 January ``first_year`` and the end of the row's year."""

    def cell(row: RowContext) -> str:
        start = dt.date(first_year, 1, 1)
        days = (dt.date(row.year, 12, 31) - start).days
        return (start + dt.timedelta(days=row.rng.randint(0, days))).isoformat()

    return cell


def timestamp(row: RowContext) -> str:
    start = dt.datetime(row.year, 1, 1)
    moment = start + dt.timedelta(minutes=row.rng.randrange(365 * 24 * 60))
    return moment.strftime("%Y-%m-%d %H:%M")


def clock(first: str, last: str) -> Cell:
    """A time of day between ``first`` and ``last`` (HH:MM), on 5-minute steps."""
    lo = int(first[:2]) * 60 + int(first[3:])
    hi = int(last[:2]) * 60 + int(last[3:])

    def cell(row: RowContext) -> str:
        minutes = row.rng.randrange(lo, hi + 1, 5)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return cell


def month(row: RowContext) -> str:
    """Months in order, one row per month and place (see :func:`district_by_month`)."""
    return f"{row.year}-{row.index % 12 + 1:02d}"


def district_by_month(row: RowContext) -> str:
    place = row.districts[row.index // 12 % len(row.districts)]
    row.values["district"] = place
    return place


def street_by_month(row: RowContext) -> str:
    streets = STREETS[row.district()]
    place = streets[row.index // 12 % len(streets)]
    row.values["street"] = place
    return place


def uscc_code(kind: str = "91") -> Cell:
    """Synthetic, check-valid codes of bodies registered in Chongqing.

    ``kind`` is the registration authority and category, e.g. ``"91"`` for an
    enterprise or ``"51"`` for a social organization registered by civil affairs.
    """

    def cell(row: RowContext) -> str:
        body = "MA" + "".join(row.rng.choice(USCC_ALPHABET) for _ in range(6))
        region = row.rng.choice(("500103", "500105", "500106", "500107", "500112"))
        return make_uscc(kind[0], kind[1], region, body)

    return cell


enterprise_uscc = uscc_code("91")


# --- tables -----------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Columns of a CSV file and how many rows it has.

    ``rows`` is a fixed count, or ``None`` for a random count in 20–200.
    """

    columns: tuple[tuple[str, Cell], ...]
    rows: int | None = None

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]


def table(*columns: tuple[str, Cell], rows: int | None = None) -> Table:
    return Table(columns=tuple(columns), rows=rows)


def render_csv(
    spec: Table, rng: random.Random, year: int, districts: Sequence[str]
) -> bytes:
    """The CSV file (UTF-8, header row, ``\\r\\n`` line ends) for one resource."""
    count = spec.rows if spec.rows is not None else rng.randint(20, 200)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spec.headers)
    for index in range(count):
        row = RowContext(rng=rng, index=index, year=year, districts=districts)
        writer.writerow([cell(row) for _, cell in spec.columns])
    return buffer.getvalue().encode("utf-8")
