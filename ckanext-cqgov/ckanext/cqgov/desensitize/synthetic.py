"""Synthetic personal data (never real): generators for valid identifiers,
look-alikes that fail their checks, and a labelled corpus of free text.

Used by the quality tests (precision/recall per detector) and the benchmark.
Check characters come from python-stdnum so the generated data is valid by
an implementation independent of the detectors.
"""

from __future__ import annotations

import datetime
import random
import string

from stdnum import luhn
from stdnum.cn import ric, uscc

from ckanext.cqgov.desensitize import areas, detectors

GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
    "建国志文斌浩宇欣怡子涵梓轩思雨晨阳佳琪嘉欣"
)
DISTRICTS = (
    "渝中区",
    "江北区",
    "南岸区",
    "沙坪坝区",
    "九龙坡区",
    "渝北区",
    "巴南区",
    "北碚区",
    "万州区",
    "涪陵区",
)
ROADS = (
    "解放碑路",
    "民族路",
    "中山一路",
    "人民路",
    "建设大道",
    "学府大道",
    "红旗河沟街",
    "杨家坪正街",
    "观音桥步行街",
    "南滨路",
)
DOMAINS = ("example.com", "example.cn", "mail.example.org", "test.example.net")
LANDLINE_AREAS = (("023", 8), ("010", 8), ("0755", 8), ("028", 8), ("0851", 7))
REMARK_FILLERS = (
    "已核实",
    "办理中",
    "材料齐全",
    "待补充材料",
    "已电话回访",
    "窗口受理",
    "无异常",
)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _birth(rng: random.Random, low: int = 1940, high: int = 2010) -> datetime.date:
    start = datetime.date(low, 1, 1).toordinal()
    end = datetime.date(high, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def resident_id(rng: random.Random) -> str:
    area = rng.choice(areas.always_valid_areas())
    body = area + _birth(rng).strftime("%Y%m%d") + _digits(rng, 3)
    return body + ric.calc_check_digit(body + "0")


def resident_id_15(rng: random.Random) -> str:
    area = rng.choice(areas.always_valid_areas())
    return area + _birth(rng, 1940, 1999).strftime("%y%m%d") + _digits(rng, 3)


def uscc_code(rng: random.Random) -> str:
    body = (
        rng.choice("159")
        + rng.choice("123")
        + rng.choice(areas.always_valid_areas())
        + "".join(rng.choice(uscc._alphabet) for _ in range(9))
    )
    return body + uscc.calc_check_digit(body)


def bank_card(rng: random.Random) -> str:
    prefix = rng.choice(("62", "62", "62", "4", "52"))
    body = prefix + _digits(rng, rng.choice((16, 17, 18, 19)) - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + _digits(rng, 9)


def landline(rng: random.Random) -> str:
    area, n = rng.choice(LANDLINE_AREAS)
    return f"{area}-{rng.choice('23456789')}{_digits(rng, n - 1)}"


def email(rng: random.Random) -> str:
    local = "".join(
        rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9))
    )
    if rng.random() < 0.5:
        local += rng.choice("._") + _digits(rng, rng.randint(1, 4))
    return f"{local}@{rng.choice(DOMAINS)}"


def passport(rng: random.Random) -> str:
    return rng.choice("EG") + _digits(rng, 8)


def plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    tail = "".join(rng.choice(letters + string.digits) for _ in range(4)) + rng.choice(
        string.digits
    )
    return rng.choice("渝川京沪粤") + rng.choice(letters) + tail


def ipv4(rng: random.Random) -> str:
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


def ipv6(rng: random.Random) -> str:
    return "2001:db8:" + ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(6))


def coordinates(rng: random.Random) -> str:
    return f"{rng.uniform(105.5, 108.5):.6f},{rng.uniform(28.5, 31.5):.6f}"


def person_name(rng: random.Random) -> str:
    surname = rng.choice(detectors.SINGLE_SURNAMES[:120])
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.randint(1, 2)))


def address(rng: random.Random) -> str:
    return (
        f"重庆市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元"
    )


# -- look-alikes that must NOT be detected -----------------------------------


def bad_resident_id(rng: random.Random) -> str:
    good = resident_id(rng)
    wrong = rng.choice([c for c in "0123456789X" if c != good[-1]])
    return good[:-1] + wrong


def bad_bank_card(rng: random.Random) -> str:
    good = bank_card(rng)
    return good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10)


def bad_uscc(rng: random.Random) -> str:
    good = uscc_code(rng)
    return good[:-1] + rng.choice([c for c in uscc._alphabet if c != good[-1]])


def not_mobile(rng: random.Random) -> str:
    return "1" + rng.choice("012") + _digits(rng, 9)


def bad_date_id(rng: random.Random) -> str:
    body = (
        rng.choice(areas.always_valid_areas()) + "2019" + "13" + "45" + _digits(rng, 3)
    )
    return body + ric.calc_check_digit(body + "0")


GENERATORS = {
    "resident_id": resident_id,
    "resident_id_15": resident_id_15,
    "uscc": uscc_code,
    "bank_card": bank_card,
    "mobile": mobile,
    "landline": landline,
    "email": email,
    "passport": passport,
    "plate": plate,
    "ipv4": ipv4,
    "ipv6": ipv6,
    "coordinates": coordinates,
}
LOOK_ALIKES = (bad_resident_id, bad_bank_card, bad_uscc, not_mobile, bad_date_id)

_TEMPLATES = (
    "{cue}{value}",
    "{cue}：{value}，{filler}",
    "{filler}；{cue}{value}{filler}",
    "{value}",
    "（{value}）",
)
_CUES = {
    "resident_id": ("身份证", "公民身份号码", "证件号"),
    "resident_id_15": ("老身份证", "身份证"),
    "uscc": ("统一社会信用代码", "信用代码"),
    "bank_card": ("卡号", "银行账号"),
    "mobile": ("电话", "手机", "联系方式"),
    "landline": ("电话", "座机", "办公电话"),
    "email": ("邮箱", "电子邮件"),
    "passport": ("护照", "护照号"),
    "plate": ("车牌", "车辆"),
    "ipv4": ("IP地址", "登录地址"),
    "ipv6": ("IPv6地址", "地址"),
    "coordinates": ("位置", "坐标"),
}
FULL_WIDTH = str.maketrans({str(i): chr(0xFF10 + i) for i in range(10)})


def labelled_corpus(
    rng: random.Random, n: int
) -> list[tuple[str, list[tuple[str, str]]]]:
    """``n`` texts with their labels: ``[(kind, value-as-detected), ...]``.

    Every text holds one to three identifiers (glued to Chinese, in
    full-width digits, adjacent with 或/、) and look-alikes that fail their
    checks; names and addresses appear after cues, as 先生/女士 and bare.
    """
    corpus = []
    kinds = list(GENERATORS)
    for _ in range(n):
        pieces: list[str] = []
        labels: list[tuple[str, str]] = []
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(kinds)
            value = GENERATORS[kind](rng)
            shown = value
            if kind in ("mobile", "resident_id", "bank_card") and rng.random() < 0.1:
                shown = value.translate(FULL_WIDTH)
            template = rng.choice(_TEMPLATES)
            pieces.append(
                template.format(
                    cue=rng.choice(_CUES[kind]),
                    value=shown,
                    filler=rng.choice(REMARK_FILLERS),
                )
            )
            label = "resident_id" if kind == "resident_id_15" else kind
            labels.append((label, value))
        if rng.random() < 0.3:
            pieces.append(f"备注{rng.choice(LOOK_ALIKES)(rng)}")
        if rng.random() < 0.2:
            a, b = landline(rng), landline(rng)
            pieces.append(f"{a}或{b}")
            labels += [("landline", a), ("landline", b)]
        if rng.random() < 0.25:
            name = person_name(rng)
            pieces.append(f"联系人：{name}，")
            labels.append(("name", name))
        corpus.append(("，".join(pieces), labels))
    return corpus


def bare_name_corpus(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """Names in running text without a cue (measures free-text name recall),
    in forms the detector knows a context for and in forms it does not
    (``已通知{n}补充材料``: nothing around the name says it is one)."""
    forms = (
        "{n}于今日到窗口办理业务",
        "经{n}确认，材料齐全",
        "由{n}签收",
        "{n}先生已领取",
        "请{n}女士补充材料",
        "{n}表示将按时整改",
        "{n}在社区工作多年",
        "{n}要求退还押金",
        "{n}称其已搬离",
        "{n}今天上午来过",
        "已通知{n}补充材料",
        "请{n}尽快处理",
        "{n}的申请已受理",
    )
    out = []
    for _ in range(n):
        name = person_name(rng)
        out.append((rng.choice(forms).format(n=name), name))
    return out


_NAME_FORMS = (
    # (form, how the name appears): a cue, an honorific, or running text
    ("联系人：{n}，", "cue"),
    ("申请人{n}于今日提交材料", "cue"),
    ("{n}先生已领取", "honorific"),
    ("请{n}女士补充材料", "honorific"),
    ("{n}于今日到窗口办理业务", "bare"),
    ("经{n}确认，材料齐全", "bare"),
    ("由{n}签收", "bare"),
    ("{n}来电反映噪音问题", "bare"),
)
_ADDRESS_FORMS = (
    # (form, what the address holds)
    ("家住{a}", "full"),
    ("现居{d}{r}{k}号", "district+number"),
    ("{d}{r}附近有积水", "district+road"),
    ("住在{r}{k}号", "road+number"),
)
# Running text that looks like names or addresses and is neither: words
# starting with a surname character, districts and roads without a person.
_DISTRACTORS = (
    "王府井大街人流量大",
    "陈列馆周末开放",
    "黄金周期间正常办公",
    "高新区政务服务中心受理",
    "江北区教育委员会发文",
    "明天上午九点开会",
    "周边道路施工",
    "张贴公告三天",
    "万州区第3号文件",
    "林业局已回复",
)


def free_text_corpus(
    rng: random.Random, n: int
) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Remarks holding names and addresses in running text, with look-alike
    text around them; labels ``(kind, value, form)`` for measuring recall
    per form and precision (everything detected that is not labelled)."""
    out = []
    for _ in range(n):
        pieces: list[str] = []
        labels: list[tuple[str, str, str]] = []
        if rng.random() < 0.7:
            form, how = rng.choice(_NAME_FORMS)
            name = person_name(rng)
            pieces.append(form.format(n=name))
            labels.append(("name", name, how))
        if rng.random() < 0.6:
            form, how = rng.choice(_ADDRESS_FORMS)
            parts = {
                "d": rng.choice(DISTRICTS),
                "r": rng.choice(ROADS),
                "k": rng.randint(1, 300),
            }
            value = {
                "full": address(rng),
                "district+number": "{d}{r}{k}号",
                "district+road": "{d}{r}",
                "road+number": "{r}{k}号",
            }[how].format(**parts)
            pieces.append(form.format(a=value, **parts))
            labels.append(("address", value, how))
        for _ in range(rng.randint(1, 2)):
            pieces.insert(rng.randint(0, len(pieces)), rng.choice(_DISTRACTORS))
        out.append(("，".join(pieces), labels))
    return out


def benchmark_row(rng: random.Random, i: int) -> list[str]:
    """One row of the benchmark table (see benchmarks/desensitize_bench.py)."""
    name = person_name(rng)
    remark = (
        f"申请人{name}，电话{mobile(rng)}，身份证{resident_id(rng)}，"
        f"{rng.choice(REMARK_FILLERS)}；邮箱{email(rng)}"
    )
    return [
        str(i),
        name,
        resident_id(rng),
        mobile(rng),
        email(rng),
        address(rng),
        uscc_code(rng),
        bank_card(rng),
        remark,
    ]


BENCHMARK_HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "联系电话",
    "电子邮箱",
    "住址",
    "统一社会信用代码",
    "银行卡号",
    "备注",
]
