"""Bulk detection of personal identifiers in text columns.

One regular expression extracts *candidate tokens* from every cell of a column
at once (polars, Rust regex). Digit tokens are maximal runs, so a number glued
to Chinese text (``电话13812345678``) is a candidate while a number inside a
longer number is not. All candidates of a batch are then classified and
validated together: the runs of digits, e-mail addresses and codes with
numpy arithmetic on the tokens' bytes (:mod:`kernels`), the others with
polars expressions: check characters (GB 11643 for resident ID numbers, GB
32100 for unified social credit codes, Luhn for bank cards), birth dates and
area codes (python-stdnum's division table, with the years each code was
valid). Nothing here loops over cells in Python.

The kinds detected in text: ``resident_id`` (18-digit and legacy 15-digit),
``uscc``, ``bank_card``, ``mobile`` (optional +86/0086), ``landline``,
``email``, ``passport``, ``plate``, ``ipv4``, ``ipv6``, ``coordinates``,
``name`` (after a cue such as 联系人 or before 先生/女士, given a common
surname) and ``address`` (division + street + number).
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
from importlib import resources

import polars as pl

from ckanext.cqgov.desensitize import areas, kernels

TEXT_KINDS = (
    "resident_id",
    "uscc",
    "bank_card",
    "mobile",
    "landline",
    "email",
    "passport",
    "plate",
    "ipv4",
    "ipv6",
    "coordinates",
    "name",
    "address",
)

# Full-width digits, Latin letters and the punctuation identifiers use are
# folded to ASCII before detection (and so in the output).
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULL_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_FULL_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_FULL_WIDTH.update(
    {
        "\x00": "",
        "＠": "@",
        "．": ".",
        "－": "-",
        "＋": "+",
        "（": "(",
        "）": ")",
        "\u3000": " ",
    }
)
FULL_WIDTH_FROM = list(_FULL_WIDTH)
FULL_WIDTH_TO = list(_FULL_WIDTH.values())


def fold_width(expr: pl.Expr) -> pl.Expr:
    """Full-width digits/letters/identifier punctuation → ASCII."""
    return expr.str.replace_many(FULL_WIDTH_FROM, FULL_WIDTH_TO)


# One character class holding every character fold_width replaces.
_FOLDED = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in FULL_WIDTH_FROM) + "]"


def fold_columns(
    frame: pl.DataFrame, columns: list[str], needed: list[bool] | None = None
) -> pl.DataFrame:
    """:func:`fold_width` on ``columns``, skipping the columns where no cell
    holds a character it replaces (one cheap character-class scan, unless
    ``needed`` says which columns hold one)."""
    if not columns or frame.height == 0:
        return frame
    if needed is None:
        needed = frame.select(
            [pl.col(c).str.contains(_FOLDED).any() for c in columns]
        ).row(0)
    return frame.with_columns(
        [fold_width(pl.col(c)) for c, need in zip(columns, needed, strict=True) if need]
    )


# Common Chinese surnames (single and compound) for name detection in text.
SINGLE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
    "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐"
    "易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆"
    "农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟"
    "邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "端木",
    "轩辕",
)
_COMPOUND = "(?:" + "|".join(COMPOUND_SURNAMES) + ")"
_SINGLE = "[" + SINGLE_SURNAMES + "]"
_SURNAME = "(?:" + _COMPOUND + "|" + _SINGLE + ")"
# Characters that end a given name in running text rather than belong to it.
NOT_GIVEN = "的了在是和与及或电话住址身份证号码手机联系男女性别年龄岁于从向到被已为等"
_GIVEN = r"[\p{Han}--[" + NOT_GIVEN + "]]"
NAME_CUES = (
    "姓名",
    "联系人",
    "申请人",
    "负责人",
    "法定代表人",
    "法人代表",
    "经办人",
    "户主",
    "患者",
    "当事人",
    "收件人",
    "举报人",
    "投诉人",
    "监护人",
)
# (和 right after a cue is the conjunction: 申请人和相关单位)
_SURNAME_AFTER_CUE = "(?:" + _COMPOUND + "|" + _SINGLE.replace("和", "") + ")"
_NAME_CUE = (
    "(?:" + "|".join(NAME_CUES) + r")[:：]? ?" + _SURNAME_AFTER_CUE + _GIVEN + "{1,2}"
)
# Words after a name that make it one (王芳先生).
HONORIFICS = ("先生", "女士")
_HONORIFIC_WORD = "(?:" + "|".join(HONORIFICS) + ")"
_NAME_HONORIFIC = _SURNAME + _GIVEN + "{1,2}" + _HONORIFIC_WORD
NAME_IN_TEXT = _SURNAME + _GIVEN + "{1,2}"
# Names in running text with no cue: a surname and one or two characters
# followed by a word that, in the remarks of administrative records, follows
# a person (来电, 签收, 确认, 于, 已…). The candidate is then checked against
# a word dictionary (see :func:`common_words`): ``林业局已回复`` is not 林业局
# the person. A given name here holds no function character (不, 须, 名, 该…).
PERSON_AFTER = (
    "于",
    "在",
    "已",
    "将",
    "曾",
    "未",
    "因",
    "到",
    "来电",
    "来访",
    "来信",
    "来函",
    "反映",
    "表示",
    "称",
    "说",
    "认为",
    "签收",
    "签字",
    "签名",
    "确认",
    "办理",
    "领取",
    "提交",
    "申请",
    "前往",
    "投诉",
    "咨询",
    "举报",
    "拨打",
    "要求",
    "同意",
    "拒绝",
    "填写",
    "本人",
    "家属",
    "同志",
    "老师",
    "医生",
    "师傅",
    "等人",
    "一家",
)
_AFTER = "(?:" + "|".join(sorted(PERSON_AFTER, key=len, reverse=True)) + ")"
# (function characters, and the last characters of place and institution
# names: 龙洞村, 田坝乡, 石油路街道)
_NOT_GIVEN_BARE = (
    "不也都就还须应会要得所其而且这那此该各每某本个些们名"
    "镇乡村区县市省局委办厅院站队处科室部社厂店馆场园校街路巷道楼组团司"
)
_GIVEN_BARE = r"[\p{Han}--[" + NOT_GIVEN + _NOT_GIVEN_BARE + "]]"
_NAME_BARE = _SURNAME + _GIVEN_BARE + "{1,2}" + _AFTER
# (split: the shortest given name before the following word)
_NAME_BARE_SPLIT = "^()(" + _SURNAME + _GIVEN_BARE + "{1,2}?)(" + _AFTER + ")$"

_ADDRESS = (
    r"(?:\p{Han}{2,6}?(?:省|自治区|市))?\p{Han}{1,8}?(?:区|县|旗)"
    r"[\p{Han}0-9]{1,12}?(?:大道|路|街|巷|道|村|镇|乡|里)[0-9\-]+号"
    r"(?:[0-9\-]+(?:栋|幢|单元|楼|层|室|号|户))*"
)
# A street and a house number without the district (住在民族路12号): a
# household still. (A street without a number is a place, not an address.)
_ADDRESS_STREET = (
    r"\p{Han}{1,8}?(?:大道|路|街|巷)[0-9]+(?:-[0-9]+)?号"
    r"(?:[0-9\-]+(?:栋|幢|单元|楼|层|室|号|户))*"
)

PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

_ALTERNATIVES = (
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    r"-?[0-9]{1,3}\.[0-9]{4,} ?[,，] ?-?[0-9]{1,3}\.[0-9]{4,}",
    r"[0-9A-Za-z]*[0-9]+(?:\.[0-9]+){3}",
    r"[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*",
    r"(?:\+86|0086)[ \-]?[0-9]+",
    # (letters glued before a grouped number, and letters or digits and
    # letters before a landline, belong to the token: see ``_lp`` in
    # :func:`classify`)
    r"[A-Za-z]*[0-9]{3,4}(?:[ \-][0-9]{4}){2,4}(?:[ \-][0-9]{1,3})?",
    r"(?:[0-9A-Za-z]*[A-Za-z])?0[0-9]{2,3}-[0-9]+(?:-[0-9]{1,5})?",
    r"\(0[0-9]{2,3}\) ?[0-9]+",
    "[" + PROVINCE_CHARS + r"][A-Z][·•]?[A-Z0-9]+[挂学警]?",
    _NAME_CUE,
    _NAME_HONORIFIC,
    _NAME_BARE,
    _ADDRESS,
    _ADDRESS_STREET,
    r"[0-9A-Za-z]+",
)
CANDIDATES = "|".join(f"(?:{a})" for a in _ALTERNATIVES)
_WHOLE_CELL = "^(?:" + CANDIDATES + ")$"
# The name and address alternatives can only match in a cell holding a cue,
# 先生/女士, a word following a person or 号: cells without one are cut with
# the other alternatives alone (the same matches, several times faster on
# Chinese text).
_CUED = (_NAME_CUE, _NAME_HONORIFIC, _NAME_BARE, _ADDRESS, _ADDRESS_STREET)
_CANDIDATES_UNCUED = "|".join(f"(?:{a})" for a in _ALTERNATIVES if a not in _CUED)
_CUES_IN_CELL = "|".join(("号", *HONORIFICS, *NAME_CUES, *PERSON_AFTER))

# A necessary condition for a cell to hold any finding: :func:`classify`
# only keeps tokens of 7 or more characters, names (after a cue, before
# 先生/女士 or a word following a person) and street addresses; every such
# match of an alternative above holds one of the separators or cues below,
# and every identifier made of letters and digits alone (also those
# python-stdnum validates) is a run of 9 or more of them holding 7 digits in
# a row (so masked values such as ``91500000********X1`` are not scanned
# again). Keep this in step when adding a kind (a test checks it on the
# labelled corpus). A literal-led pattern, much cheaper than CANDIDATES: the
# residual scan extracts candidates only where it matches.
MAYBE_FINDING = "|".join(
    (
        r"[A-Za-z0-9._%+\-]@",  # e-mail
        r"[0-9]\.[0-9]",  # coordinates, dotted quads
        r":[0-9A-Fa-f]{0,4}:",  # IPv6
        r"[0-9] [0-9]|[0-9]-|\(0",  # grouped numbers, landlines, +86 / 0086
        # identifiers, long digit runs
        r"[0-9A-Za-z]{2}[0-9]{7}|[0-9]{7}[0-9A-Za-z]{2}|[0-9A-Za-z][0-9]{7}[0-9A-Za-z]",
        r"[0-9\-]号",  # addresses
        "[" + PROVINCE_CHARS + "][A-Z]",  # plates
        "(?:" + "|".join(NAME_CUES) + r")[:：]? ?\p{Han}{2}",
        r"\p{Han}{2}" + _HONORIFIC_WORD,
        r"\p{Han}{2}" + _AFTER,
    )
)

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_PASSPORT_FORMS = r"(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|[DSP]E[0-9]{7})"
_PASSPORT = "^" + _PASSPORT_FORMS + "$"
_PLATE = (
    "^[" + PROVINCE_CHARS + r"][A-HJ-NP-Z][·•]?(?:[A-HJ-NP-Z0-9]{5}"
    r"|[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[挂学警])$"
)
_CARD_PREFIX = r"^(?:62|4|5[1-5]|3[47]|35|60)"
_CARD_MIN, _CARD_MAX = 16, 19


def _bytes(tok: pl.Expr, width: int) -> pl.Expr:
    """The UTF-8 bytes of tokens of exactly ``width`` bytes as a fixed-size
    array (null for other lengths): check characters are then plain integer
    arithmetic on columns, with no string slicing or parsing per position."""
    return tok.cast(pl.Binary).bin.reinterpret(dtype=pl.Array(pl.UInt8, width))


def _digit_values(arr: pl.Expr, width: int) -> pl.Expr:
    """:func:`_bytes` arrays as integer arrays of byte − 48 (digit values)."""
    return arr.cast(pl.Array(pl.Int32, width)) - 48


def _weighted_sum(values: pl.Expr, weights: tuple[int, ...]) -> pl.Expr:
    """Σ values[i] × weights[i] over integer arrays of ``len(weights)``
    elements (one array product and sum instead of an expression per
    position)."""
    w = pl.Series([list(weights)], dtype=pl.Array(pl.Int32, len(weights)))
    return (values * pl.lit(w)).arr.sum()


@functools.cache
def common_words() -> pl.Series:
    """Words of two or three characters starting like a surname, from
    jieba's dictionary (it ships in jieba's wheel; the words seen at least
    3 times in its corpus, 100 times for those it tags as personal names)
    and the search's user dictionary of government terms: 林业, 全市, 明天,
    万州区… A bare name candidate that is such a word, or starts with one,
    is not taken for a name."""
    # (jieba's dictionary has 350,000 lines: read and filtered by polars)
    with (resources.files("jieba") / "dict.txt").open("rb") as f:
        jieba_dict = pl.read_csv(
            f.read(),
            separator=" ",
            has_header=False,
            new_columns=["word", "freq", "tag"],
            schema_overrides={"word": pl.Utf8, "freq": pl.Int64, "tag": pl.Utf8},
            quote_char=None,
        )
    # (personal names in it, rare ones, are kept as names; its frequent
    # "names" are words: 张贴, 陈列, 王府)
    common = pl.col("freq") >= pl.when(pl.col("tag").str.starts_with("nr")).then(
        100
    ).otherwise(3)
    user_words = []
    user = resources.files("ckanext.cqgov.search") / "data" / "userdict.txt"
    with user.open(encoding="utf-8") as f:
        for line in f:
            user_words.extend(line.split("#", 1)[0].split()[:1])
    word = pl.col("word")
    shaped = word.str.len_chars().is_between(2, 3) & (
        word.str.slice(0, 1).is_in(list(SINGLE_SURNAMES))
        | word.str.slice(0, 2).is_in(list(COMPOUND_SURNAMES))
    )
    words = pl.concat(
        [
            jieba_dict.filter(common).select("word"),
            pl.DataFrame({"word": user_words}, schema={"word": pl.Utf8}),
        ]
    )
    return words.filter(shaped)["word"].unique().sort()


def warm_up() -> None:
    """Builds the detectors' tables (dictionary words, area codes and their
    periods, the kind expressions) now: once, instead of in every worker
    thread that meets them first at the same time."""
    common_words()
    _area_series()
    kernels.area_periods()
    _kind_expressions(_today())


def _common_word(name: pl.Expr) -> pl.Expr:
    words = common_words().implode()
    compound = name.str.slice(0, 2).is_in(COMPOUND_SURNAMES)
    return name.is_in(words) | (name.str.slice(0, 2).is_in(words) & ~compound)


@functools.lru_cache(maxsize=1)
def _area_series() -> pl.Series:
    return pl.Series(sorted(areas.area_codes()), dtype=pl.Utf8)


def ric18_valid(
    tok: pl.Expr, arr: pl.Expr | None = None, date: pl.Expr | None = None
) -> pl.Expr:
    """GB 11643 check character and birth date of 18-character tokens (the
    area check is a join, see :func:`_resolve_area`). ``arr``: the tokens'
    :func:`_bytes` already computed as a column (polars would recompute an
    inline expression once per position); ``date``: their
    :func:`_date_digits` at 6, likewise."""
    arr = _bytes(tok, 18) if arr is None else arr
    date = _date_digits(tok, 6) if date is None else date
    return (
        tok.str.contains(r"^[0-9]{17}[0-9X]$")
        & _ric18_check_ok(arr)
        & _birth_date_digits_ok(date)
    )


def _ric18_check_ok(arr: pl.Expr) -> pl.Expr:
    """The GB 11643 check character of 18-byte digit arrays."""
    total = _weighted_sum(_digit_values(arr, 18), (*_RIC_WEIGHTS, 0))
    check = (12 - total % 11) % 11
    # "X" is byte 88; digits are 48 + value
    expected = pl.when(check == 10).then(pl.lit(88)).otherwise(check + 48)
    return arr.arr.get(17, null_on_oob=True).cast(pl.Int32) == expected


def _date_digits(tok: pl.Expr, at: int) -> pl.Expr:
    """The eight digits at character ``at`` of digit tokens as one integer
    (YYYYMMDD), for :func:`_birth_date_digits_ok`."""
    return tok.str.slice(at, 8).cast(pl.Int32, strict=False)


def _birth_date_digits_ok(value: pl.Expr) -> pl.Expr:
    """A valid date from 1900 to today, given as the integer YYYYMMDD (see
    :func:`_date_digits`; calendar arithmetic on integers instead of parsing
    dates)."""
    year, month, day = value // 10000, value // 100 % 100, value % 100
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_days = (
        pl.when(month == 2)
        .then(28 + leap.cast(pl.Int32))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    today = _today()
    return (
        (year >= 1900)
        & month.is_between(1, 12)
        & day.is_between(1, month_days)
        & (value <= today.year * 10000 + today.month * 100 + today.day)
    )


def ric15_valid(tok: pl.Expr) -> pl.Expr:
    """Legacy 15-digit numbers: all digits, valid 19YYMMDD birth date."""
    return tok.str.contains(r"^[0-9]{15}$") & _birth_date_ok(
        pl.lit("19") + tok.str.slice(6, 6)
    )


def _birth_date_ok(yyyymmdd: pl.Expr) -> pl.Expr:
    date = yyyymmdd.str.strptime(pl.Date, "%Y%m%d", strict=False)
    return (
        date.is_not_null()
        & (yyyymmdd.str.slice(0, 4).cast(pl.Int32, strict=False) >= 1900)
        & (date <= pl.lit(_today()))
    )


def _today():
    import datetime

    return datetime.date.today()


def birth_year(tok: pl.Expr) -> pl.Expr:
    """Birth year of an 18- or 15-digit resident ID number."""
    return (
        pl.when(tok.str.len_chars() == 18)
        .then(tok.str.slice(6, 4))
        .otherwise(pl.lit("19") + tok.str.slice(6, 2))
        .cast(pl.Int32, strict=False)
    )


def _uscc_value(byte: pl.Expr) -> pl.Expr:
    """Value of a GB 32100 character given its byte (the alphabet is the
    digits and the capitals without I, O, S, V, Z)."""
    b = byte.cast(pl.Int32)
    letter = (
        b
        - 55
        - (b > 73).cast(pl.Int32)
        - (b > 79).cast(pl.Int32)
        - (b > 83).cast(pl.Int32)
        - (b > 86).cast(pl.Int32)
    )
    return pl.when(b >= 65).then(letter).otherwise(b - 48)


def _uscc_values(arr: pl.Expr) -> pl.Expr:
    """:func:`_uscc_value` of every byte of 18-byte arrays, as one array
    expression: ``(b + 256 - t) // 256`` is 1 for a byte ``b >= t``, else 0."""
    b = arr.cast(pl.Array(pl.Int32, 18))

    def at_least(t: int) -> pl.Expr:
        return (b + (256 - t)) // 256

    return (
        b
        - 48
        - 7 * at_least(65)
        - at_least(74)
        - at_least(80)
        - at_least(84)
        - at_least(87)
    )


_USCC_FORM = r"[1-9ANY][1-9][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
_USCC_SHAPE = "^" + _USCC_FORM + "$"


def uscc_valid(tok: pl.Expr, arr: pl.Expr | None = None) -> pl.Expr:
    """GB 32100 format, check character and a known division code
    (``arr`` as in :func:`ric18_valid`)."""
    arr = _bytes(tok, 18) if arr is None else arr
    total = _weighted_sum(_uscc_values(arr), (*_USCC_WEIGHTS, 0))
    expected = (31 - total % 31) % 31
    return (
        tok.str.contains(_USCC_SHAPE)
        & tok.str.slice(2, 6).is_in(_area_series().implode())
        & (_uscc_value(arr.arr.get(17, null_on_oob=True)) == expected)
    )


def card_bytes(digits: pl.Expr) -> pl.Expr:
    """Digits left-padded with zeros to 19 (zeros do not change the Luhn
    sum), as :func:`_bytes`."""
    return _bytes(digits.str.zfill(_CARD_MAX), _CARD_MAX)


def luhn_valid(digits: pl.Expr, arr: pl.Expr | None = None) -> pl.Expr:
    """Luhn check of 16–19-digit card numbers with a card-scheme prefix
    (``arr``: :func:`card_bytes` already computed as a column)."""
    arr = card_bytes(digits) if arr is None else arr
    # Every second digit from the right is doubled, minus 9 when that is
    # more than 9 (for a digit d: (d + 4) // 9 is 1 exactly when d >= 5).
    d = _digit_values(arr, _CARD_MAX)
    doubled = tuple((_CARD_MAX - 1 - i) % 2 for i in range(_CARD_MAX))
    total = _weighted_sum(d, tuple(1 + x for x in doubled)) - 9 * _weighted_sum(
        (d + 4) // 9, doubled
    )
    length = digits.str.len_chars()
    return (
        length.is_between(_CARD_MIN, _CARD_MAX)
        & digits.str.contains(r"^[0-9]+$")
        & digits.str.contains(_CARD_PREFIX)
        & (total % 10 == 0)
    )


def mobile_valid(digits: pl.Expr) -> pl.Expr:
    return digits.str.contains(r"^1[3-9][0-9]{9}$")


def landline_valid(tok: pl.Expr) -> pl.Expr:
    """Area code 010/02x/0xxx, local number of 7–8 digits not starting 0/1."""
    return tok.str.contains(
        r"^(?:0(?:10|2[0-9])-[2-9][0-9]{7}|0[3-9][0-9]{2}-[2-9][0-9]{6,7}"
        r"|\(0(?:10|2[0-9])\) ?[2-9][0-9]{7}|\(0[3-9][0-9]{2}\) ?[2-9][0-9]{6,7})"
        r"(?:-[0-9]{1,5})?$"
    )


def ipv4_valid(tok: pl.Expr) -> pl.Expr:
    octets = tok.str.split(".")
    return tok.str.contains(r"^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$") & (
        octets.list.eval(pl.element().cast(pl.Int32, strict=False) <= 255).list.all()
    )


def coordinates_valid(tok: pl.Expr) -> pl.Expr:
    parts = tok.str.replace("，", ",").str.split(",")
    a = (
        parts.list.get(0, null_on_oob=True)
        .str.strip_chars()
        .cast(pl.Float64, strict=False)
    )
    b = (
        parts.list.get(1, null_on_oob=True)
        .str.strip_chars()
        .cast(pl.Float64, strict=False)
    )
    lon_lat = (a.abs() <= 180) & (b.abs() <= 90)
    lat_lon = (a.abs() <= 90) & (b.abs() <= 180)
    return lon_lat | lat_lon


def _ipv6_ok(values: pl.Series) -> pl.Series:
    # IPv6 candidates are rare (they need two colons); checked per candidate.
    def ok(v: str) -> bool:
        if v.count(":") < 2:
            return False
        try:
            ipaddress.IPv6Address(v)
        except ValueError:
            return False
        return True

    return pl.Series([ok(v) for v in values.to_list()], dtype=pl.Boolean)


def by_cues(cells: pl.Series, apply) -> pl.Series:
    """``apply(cells, pattern)`` (a Series in the order of ``cells``) with
    CANDIDATES on the cells that may hold a name or address and the cheaper
    pattern on the others."""
    cued = cells.str.contains(_CUES_IN_CELL).fill_null(False)
    n = cued.sum()
    if n == 0:
        return apply(cells, _CANDIDATES_UNCUED)
    if n == cells.len():
        return apply(cells, CANDIDATES)
    out = pl.concat(
        [
            apply(cells.filter(~cued), _CANDIDATES_UNCUED),
            apply(cells.filter(cued), CANDIDATES),
        ]
    )
    order = pl.concat([(~cued).arg_true(), cued.arg_true()]).arg_sort()
    return out.gather(order).alias(cells.name)


def extract_candidates(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Candidate tokens of the given (already width-folded) text columns.

    Returns ``col`` (index into ``columns``), ``row``, ``idx`` (position of
    the token among the cell's tokens) and ``tok``.
    """
    if not columns or frame.height == 0:
        return _empty_candidates()
    lists = pl.DataFrame(
        [
            by_cues(frame[c], lambda s, p: s.str.extract_all(p)).alias(str(i))
            for i, c in enumerate(columns)
        ]
    ).with_row_index("row")
    parts = []
    for i in range(len(columns)):
        toks = pl.col(str(i))
        part = (
            lists.filter(toks.list.len() > 0)
            .select(
                "row",
                toks.alias("tok"),
                pl.int_ranges(0, toks.list.len(), dtype=pl.UInt32).alias("idx"),
            )
            .explode("tok", "idx")
            .with_columns(pl.lit(i, dtype=pl.UInt16).alias("col"))
        )
        parts.append(part)
    return pl.concat(parts).select("col", "row", "idx", "tok")


@dataclasses.dataclass
class Pieces:
    """One column's cells cut at the candidate tokens, in order:
    ``texts`` holds seg0, tok0, seg1, tok1, … segN of every cell one after
    the other (null cells count as empty), ``lengths`` how many pieces each
    cell has (2 × tokens + 1)."""

    texts: pl.Series
    lengths: pl.Series | None  # None: every cell is one token or empty

    def rebuild(self, replaced: pl.DataFrame) -> pl.Series:
        """The cells with tokens swapped: ``replaced`` has ``row``, ``idx``
        (as in :func:`extract_candidates`) and ``_out``, the new text (a null
        keeps the token). Positional (scatter, one join of all pieces, one
        split), so no sort or group-by over the pieces. ``self`` is left as
        it was."""
        replaced = replaced.filter(pl.col("_out").is_not_null())
        if self.lengths is None:
            return self.texts.clone().scatter(replaced["row"], replaced["_out"])
        lengths = self.lengths.cast(pl.Int64)
        start = lengths.cum_sum() - lengths
        where = start.gather(replaced["row"]) + replaced["idx"].cast(pl.Int64) * 2 + 1
        texts = self.texts.clone().scatter(where, replaced["_out"])
        # A NUL (removed from the input by fold_width) ends every cell.
        last = start + lengths - 1
        texts = texts.scatter(last, texts.gather(last) + "\x00")
        cells = texts.str.join("").str.split("\x00").explode()
        return cells.head(lengths.len())


def split_candidates(
    frame: pl.DataFrame, columns: list[str]
) -> tuple[pl.DataFrame, list[Pieces]]:
    """Like :func:`extract_candidates`, plus each column's :class:`Pieces`
    for rebuilding the cells (one regular-expression pass per column: the
    tokens are wrapped in NULs and the cells split there)."""
    if not columns or frame.height == 0:
        return _empty_candidates(), []

    # Columns whose every cell is empty or exactly one token (the first
    # match is the whole cell; identifier columns, usually) need no split.
    # A whole-cell match is a cheap necessary condition; the first match
    # (what extract_all would return first) being the whole cell is the test.
    # A cell of letters and digits alone passes both (it is one match of
    # the last alternative, every earlier one needs other characters),
    # unless it starts with 0086, taken by the +86/0086 alternative first:
    # both tests run on the other cells only.
    def others(c: pl.Expr) -> pl.Expr:
        plain = c.str.contains("^[0-9A-Za-z]+$") & ~c.str.starts_with("0086")
        return c.filter(~(c.is_null() | (c == "") | plain)).implode()

    rests = frame.select(
        [others(pl.col(c)).alias(str(i)) for i, c in enumerate(columns)]
    )
    lone_cols = {}
    for i, c in enumerate(columns):
        rest = rests[str(i)].explode()
        lone_cols[c] = bool(
            rest.str.contains(_WHOLE_CELL).all()
            and (rest.str.extract(CANDIDATES, 0) == rest).all()
        )
    lone = [lone_cols.get(c, False) for c in columns]
    split = [c for c, whole in zip(columns, lone, strict=True) if not whole]
    lists = pl.DataFrame(
        [
            pl.int_range(frame.height, dtype=pl.UInt32, eager=True).alias("row"),
            *(
                by_cues(
                    frame[c].fill_null(""),
                    lambda s, p: s.str.replace_all(p, "\x00${0}\x00").str.split("\x00"),
                ).alias(str(i))
                for i, c in enumerate(columns)
                if c in split
            ),
        ]
    )
    parts = []
    pieces = []
    for i, column in enumerate(columns):
        name = str(i)
        if lone[i]:
            cells = frame[column]
            pieces.append(Pieces(cells, None))
            parts.append(
                pl.DataFrame({"tok": cells})
                .with_row_index("row")
                .filter(pl.col("tok").is_not_null() & (pl.col("tok") != ""))
                .select(
                    pl.lit(i, dtype=pl.UInt16).alias("col"),
                    "row",
                    pl.lit(0, dtype=pl.UInt32).alias("idx"),
                    "tok",
                )
            )
            continue
        lengths = lists[name].list.len()
        flat = lists.select(
            "row",
            pl.col(name).alias("tok"),
            pl.int_ranges(0, pl.col(name).list.len(), dtype=pl.UInt32).alias("pos"),
        ).explode("tok", "pos")
        pieces.append(Pieces(flat["tok"], lengths))
        parts.append(
            flat.filter(pl.col("pos") % 2 == 1).select(
                pl.lit(i, dtype=pl.UInt16).alias("col"),
                "row",
                (pl.col("pos") // 2).alias("idx"),
                "tok",
            )
        )
    return pl.concat(parts), pieces


def _empty_candidates() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"col": pl.UInt16, "row": pl.UInt32, "idx": pl.UInt32, "tok": pl.Utf8}
    )


_NAME_START = "^(?:" + "|".join(NAME_CUES) + ")"
_AFTER_END = _AFTER + "$"


_MORE = "?"


def _ends_with_honorific(tok: pl.Expr) -> pl.Expr:
    """Ends in one of :data:`HONORIFICS` (literal tests, cheaper than a
    pattern)."""
    first, *rest = HONORIFICS
    ends = tok.str.ends_with(first)
    for word in rest:
        ends = ends | tok.str.ends_with(word)
    return ends


def _named(tok: pl.Expr) -> pl.Expr:
    """Tokens of the cue and 先生/女士 alternatives."""
    return tok.str.contains(_NAME_START) | _ends_with_honorific(tok)


def _shape_first(tok: pl.Expr, named: pl.Expr, bare: pl.Expr) -> pl.Expr:
    """A cheap first sort of candidate tokens (most tokens get none);
    ``_MORE`` for the tokens that go on to :func:`_shape_rest`. ``named``:
    the token starts with a name cue or ends in 先生/女士; ``bare``: it ends
    in a word that follows a person."""
    return (
        # (first: a word that follows a person may follow a cue that starts
        # like a name, 申请人曾**; see the kind expression)
        pl.when(bare)
        .then(pl.lit("name_bare"))
        .when(named)
        .then(pl.lit("name"))
        .when(tok.str.contains("号$|号.*[0-9]"))
        .then(pl.lit("address"))
        .when(tok.str.len_chars() < 7)
        .then(None)
        .when(tok.str.contains("@"))
        .then(pl.lit("email"))
        .otherwise(pl.lit(_MORE))
    )


def _shape_rest(tok: pl.Expr) -> pl.Expr:
    """The other shapes, tested in order; null for none."""
    return (
        pl.when(tok.str.contains("[,，]"))
        .then(pl.lit("coordinates"))
        .when(tok.str.contains(r"^[0-9]+(?:\.[0-9]+){3}$"))
        .then(pl.lit("ipv4"))
        .when(tok.str.contains(r"^(?:\+86|0086)[ \-]"))
        .then(pl.lit("intl"))
        .when(tok.str.contains(r"^(?:\+86|0086)1[3-9][0-9]{9}$"))
        .then(pl.lit("intl"))
        .when(tok.str.contains(r"^(?:0[0-9]{2,3}-|\()"))
        .then(pl.lit("landline"))
        .when(tok.str.contains(r"^[0-9]{3,4}[ \-]"))
        .then(pl.lit("grouped"))
        .when(tok.str.contains(r"^[0-9]{17}[0-9X]$"))
        .then(pl.lit("d18"))
        .when(tok.str.contains(r"^[0-9A-Z]{18}$"))
        .then(pl.lit("a18"))
        .when(tok.str.contains(r"^[0-9]{15}$"))
        .then(pl.lit("d15"))
        .when(tok.str.contains(r"^1[3-9][0-9]{9}$"))
        .then(pl.lit("mobile"))
        .when(tok.str.contains(r"^[0-9]{16,19}$"))
        .then(pl.lit("card"))
        .when(tok.str.contains(_PASSPORT))
        .then(pl.lit("passport"))
        .when(tok.str.contains("^[" + PROVINCE_CHARS + "]"))
        .then(pl.lit("plate"))
        .when(tok.str.contains(":.*:"))
        .then(pl.lit("ipv6"))
        .otherwise(None)
    )


@functools.lru_cache(maxsize=2)
def _kind_expressions(today) -> dict[str, pl.Expr]:
    """The ``kind`` expression of every shape (see :func:`_validated`),
    built once per day (``today``: the birth-date checks end there): building
    them costs more than running them on a small batch."""
    del today
    tok = pl.col("tok")
    digits = tok.str.replace_all(r"[ \-]", "")
    national = tok.str.replace(r"^(?:\+86|0086)[ \-]?", "")
    none = pl.lit(None, dtype=pl.Utf8)
    a18, a19, ymd = pl.col("_a18"), pl.col("_a19"), pl.col("_ymd")
    bare_name = tok.str.extract(_NAME_BARE_SPLIT, 2)
    known_area = tok.str.slice(0, 6).is_in(_area_series().implode())

    def when(cond: pl.Expr, kind: str, otherwise: pl.Expr = none) -> pl.Expr:
        return pl.when(cond).then(pl.lit(kind)).otherwise(otherwise)

    return {
        "email": pl.lit("email"),
        "name": pl.lit("name"),
        # A token ending in a word that follows a person: a bare name unless
        # the dictionary knows it as a word; a name after a cue or before
        # 先生/女士 whose given name ends like such a word (联系人：张曾).
        "name_bare": pl.when(bare_name.is_not_null())
        .then(when(~_common_word(bare_name), "name_bare"))
        .otherwise(when(_named(tok), "name")),
        "address": when(
            tok.str.contains("(?:区|县|旗)|(?:大道|路|街|巷)[0-9]"), "address"
        ),
        "coordinates": when(coordinates_valid(tok), "coordinates"),
        "ipv4": when(ipv4_valid(tok), "ipv4"),
        "intl": when(mobile_valid(national), "mobile"),
        "landline": when(landline_valid(tok), "landline"),
        "grouped": when(
            tok.str.contains(r"^[0-9]{3}[ \-][0-9]{4}[ \-][0-9]{4}$")
            & mobile_valid(digits),
            "mobile",
            when(
                tok.str.contains(r"^[0-9]{4}(?:[ \-][0-9]{4}){3}(?:[ \-]?[0-9]{1,3})?$")
                & luhn_valid(digits, a19),
                "bank_card",
            ),
        ),
        "d18": when(
            ric18_valid(tok, a18, ymd) & known_area,
            "resident_id_check",
        ),
        "d18_rest": when(
            # an ID-shaped number (area, birth century, and a valid birth
            # date or check character) failing its other check is a mistyped
            # ID, not a card; a card that only starts like an ID (area code,
            # 19/20) is still masked as a card unless it happens to hold a
            # valid date or ID check character too
            luhn_valid(tok, a19)
            & ~(
                known_area
                & tok.str.slice(6, 2).is_in(list(areas.ID_CENTURIES))
                & (_birth_date_digits_ok(ymd) | _ric18_check_ok(a18))
            ),
            "bank_card",
            when(
                uscc_valid(tok, a18),
                "uscc",
                # a 17-digit card followed by an X of the next text
                when(
                    tok.str.ends_with("X")
                    & luhn_valid(tok.str.slice(0, 17))
                    & ~known_area,
                    "card_x",
                ),
            ),
        ),
        "a18": when(uscc_valid(tok, a18), "uscc"),
        "d15": when(ric15_valid(tok), "resident_id_check"),
        "mobile": pl.lit("mobile"),
        "mobile_check": when(mobile_valid(tok), "mobile"),
        "card": when(luhn_valid(tok, a19), "bank_card"),
        "passport": pl.lit("passport"),
        "plate": when(tok.str.contains(_PLATE), "plate"),
        "ipv6": pl.lit("ipv6_check"),
    }


def _validated(shape: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Adds ``kind`` (null when the check fails) to tokens of one shape."""
    tok = pl.col("tok")
    digits = tok.str.replace_all(r"[ \-]", "")
    # Byte arrays for the check-character arithmetic, computed once.
    arrays = {
        "d18": [_bytes(tok, 18).alias("_a18"), _date_digits(tok, 6).alias("_ymd")],
        "d18_rest": [
            _bytes(tok, 18).alias("_a18"),
            card_bytes(tok).alias("_a19"),
            _date_digits(tok, 6).alias("_ymd"),
        ],
        "a18": [_bytes(tok, 18).alias("_a18")],
        "card": [card_bytes(tok).alias("_a19")],
        "grouped": [card_bytes(digits).alias("_a19")],
    }.get(shape)
    if arrays:
        frame = frame.with_columns(arrays)
    kind = _kind_expressions(_today())[shape]
    # (lazily: the checks share sub-expressions, computed once that way)
    checked = frame.lazy().with_columns(kind.alias("kind")).collect()
    if arrays:
        checked = checked.drop([a.meta.output_name() for a in arrays])
    if shape == "d18":
        failed = checked.filter(pl.col("kind").is_null()).drop("kind")
        if failed.height:
            return pl.concat(
                [
                    checked.filter(pl.col("kind").is_not_null()),
                    _validated("d18_rest", failed),
                ]
            )
    if shape == "d18_rest":
        card_x = pl.col("kind") == "card_x"
        checked = checked.with_columns(
            pl.when(card_x).then(tok.str.slice(0, 17)).otherwise(tok).alias("tok"),
            pl.when(card_x)
            .then(pl.lit("X") + pl.col("xpost"))
            .otherwise(pl.col("xpost"))
            .alias("xpost"),
            pl.when(card_x).then(pl.col("_e") - 1).otherwise(pl.col("_e")).alias("_e"),
            pl.when(card_x)
            .then(pl.lit("bank_card"))
            .otherwise(pl.col("kind"))
            .alias("kind"),
        )
    return checked


def classify(cands: pl.DataFrame) -> pl.DataFrame:
    """Validate candidate tokens; returns the findings.

    Columns: ``col``, ``row``, ``kind``, ``value`` (the exact text found in
    the cell) split as ``pre + part + post``: ``part`` is what an operator
    transforms (the name after a cue, the local part of an e-mail address,
    otherwise the whole value), ``pre``/``post`` stay as they are.
    The byte-level checks of :mod:`kernels` settle most tokens (digit runs,
    e-mail addresses, codes); the others are sorted by shape, then each
    shape's tokens are validated together with polars expressions, so every
    check runs only on the tokens it concerns.
    """
    if cands.height == 0:
        return _empty_findings()
    verdict = pl.Series(kernels.verdicts(cands["tok"]))
    # (the settled e-mail addresses are split apart, the others need no
    # split: no test of the kind over all findings; nothing is built for
    # an empty part, the residual scan's batches have few tokens)
    email = verdict == kernels.EMAIL
    plain = verdict.is_in(list(kernels.KINDS)) & ~email
    out = []
    if plain.any():
        out.append(
            _with_parts(_whole_tokens(cands.filter(plain), verdict.filter(plain)))
        )
    if email.any():
        found = _whole_tokens(cands.filter(email), verdict.filter(email))
        out.append(_with_parts(found, "email"))
    rest = cands.filter(verdict == kernels.POLARS)
    if rest.height:
        found = _checked(rest)
        kind_is = pl.col("kind")
        out.append(_with_parts(found.filter(~kind_is.is_in(list(_SPLITS)))))
        for kind in _SPLITS:
            sub = found.filter(kind_is == kind)
            if sub.height:
                out.append(_with_parts(sub, kind))
    return pl.concat(out) if out else _empty_findings()


def _with_parts(found: pl.DataFrame, split: str | None = None) -> pl.DataFrame:
    """Findings (columns :data:`_FOUND`) with ``pre``/``part``/``post``:
    ``split`` names the kind of all of them when it is one that is split
    (:data:`_SPLITS`: e-mail addresses at the local part, names after their
    cue), else the whole token is the part."""
    if split is None:
        return found.select(
            *_FINDING_KEYS,
            pl.col("xpre").alias("pre"),
            pl.col("tok").alias("part"),
            pl.col("xpost").alias("post"),
        )
    return _SPLITS[split](found).select(
        *_FINDING_KEYS,
        (pl.col("xpre") + pl.col("_pre")).alias("pre"),
        pl.col("_part").alias("part"),
        (pl.col("_post") + pl.col("xpost")).alias("post"),
    )


def _whole_tokens(cands: pl.DataFrame, verdict: pl.Series) -> pl.DataFrame:
    """``cands`` as findings of the kinds of their :func:`kernels.verdicts`
    that are the whole token, in the columns of :data:`_FOUND`."""
    tok = pl.col("tok")
    kind = verdict.replace_strict(kernels.KINDS, default=None, return_dtype=pl.Utf8)
    return cands.select(
        "col",
        "row",
        "idx",
        "tok",
        pl.lit(kind).alias("kind"),
        tok.alias("whole"),
        pl.lit("").alias("xpre"),
        pl.lit("").alias("xpost"),
        pl.lit(None, dtype=pl.Int64).alias("_s"),
    )


# What :func:`_checked` returns for each finding: the token (``tok``, in
# ``whole`` from ``_s`` when it is a part of it), and the text around it in
# the value (``xpre``, ``xpost``).
_FOUND = ("col", "row", "idx", "tok", "kind", "whole", "xpre", "xpost", "_s")


def _none_found(cands: pl.DataFrame) -> pl.DataFrame:
    """No findings, in the columns of :data:`_FOUND`."""
    return _whole_tokens(cands.clear(), pl.Series(dtype=pl.Int8))


def _checked(cands: pl.DataFrame) -> pl.DataFrame:
    """Findings among tokens :func:`kernels.verdicts` left to polars (none
    of them is digits alone), columns :data:`_FOUND`."""
    tok = pl.col("tok")
    # Tokens shorter than 7 characters can only be names or street
    # addresses (every other shape below needs 7 or more; the kernels drop
    # those of letters and digits alone): the others go here. ``_nm``
    # (starts with a name cue or ends in 先生/女士) and ``_bn`` (ends in a
    # word that follows a person) are kept for :func:`_shape_first`; none
    # of the rewrites below changes them.
    named, bare = pl.col("_nm"), pl.col("_bn")
    cands = cands.with_columns(
        _named(tok).alias("_nm"),
        tok.str.contains(_AFTER_END).alias("_bn"),
    ).filter((tok.str.len_chars() >= 7) | named | bare | tok.str.contains("号"))
    if cands.height == 0:
        return _none_found(cands)
    # Digits-only tokens may carry a trailing X (18-digit IDs); a stray X on
    # another length belongs to the following text. (Only tokens ending in
    # X or x (``_x``) can change here, or be digits with an X below.)
    ends_x = pl.col("_x")
    cands = cands.with_columns(
        (tok.str.ends_with("X") | tok.str.ends_with("x")).alias("_x")
    )
    stray_x = tok.str.contains(r"^[0-9]+[Xx]$") & (tok.str.len_chars() != 18)
    cands = pl.concat(
        [
            cands.filter(~ends_x),
            cands.filter(ends_x).with_columns(
                pl.when(stray_x)
                .then(tok.str.slice(0, tok.str.len_chars() - 1))
                .when(tok.str.contains(r"^[0-9]{17}x$"))
                .then(tok.str.to_uppercase())
                .otherwise(tok)
                .alias("tok")
            ),
        ]
    )
    # Alphanumeric tokens mixing letters and long digit runs that are
    # neither a code nor a passport: the digit runs are candidates too
    # (``ID110...``, ``Tel13812345678``).
    # (Each condition is computed once as a column, then both sides are
    # filtered on it.)
    # Letters glued before a grouped number or a landline (``Tel010-…``)
    # are set aside (``_lp``), the number is the token. When they hold
    # digits too (``No12abc023-…``) the number is a finding inside the
    # token and what precedes it is scanned as well (see ``lpd`` below).
    # (the capturing pattern runs only when some token has such letters)
    glued = r"^([0-9A-Za-z]*[A-Za-z])(?:0[0-9]{2,3}-|[0-9]{3,4}[ \-])"
    if cands.select(tok.str.contains(glued).any()).item():
        cands = cands.with_columns(
            tok.str.extract(glued, 1).fill_null("").alias("_lp")
        ).with_columns(tok.str.slice(pl.col("_lp").str.len_chars()))
    else:
        cands = cands.with_columns(pl.lit("").alias("_lp"))
    # Digits, with an X or not: only among the tokens that ended in X or x
    # (the others are not digits alone, and their rewrites above leave a
    # separator in them).
    is_digits = pl.col("_d")
    ended = cands.filter(ends_x).with_columns(
        tok.str.contains(r"^[0-9]+X?$").alias("_d")
    )
    digit_toks = ended.filter(is_digits & (tok.str.len_chars() >= 11)).drop(
        "_x", "_d", "_nm", "_bn"
    )
    other = pl.concat(
        [cands.filter(~ends_x).drop("_x"), ended.filter(~is_digits).drop("_x", "_d")]
    )
    # Names, e-mail addresses and short tokens (see :func:`_shape_first`)
    # get their shape first: none of them is alphanumeric and 7 or more
    # characters long, which every split below needs, so those tests and
    # the long list of other shapes (:func:`_shape_rest`) run on the rest.
    shape = pl.col("shape")
    other = other.with_columns(_shape_first(tok, named, bare).alias("shape"))
    first = other.filter(shape != _MORE).drop("_nm", "_bn")
    other = other.filter(shape == _MORE).drop("shape", "_nm", "_bn")
    other = other.with_columns(
        (
            # letters and digits alone, holding a hint (_MIXED_HINT, where
            # "not a digit" can only be a letter)
            tok.str.contains(_MIXED_TOKEN)
            # (the shape of a unified social credit code: checked as one)
            & ~tok.str.contains(_CODE_OR_PASSPORT)
        ).alias("_m")
    )
    mixed = other.filter(pl.col("_m")).drop("_m")
    other = other.filter(~pl.col("_m")).drop("_m")
    # Dotted quads glued to other digits or letters (``13812345678192.168.1.1``,
    # ``IP10.0.0.1``) are split too, see :func:`_dotted_parts`.
    other = other.with_columns(tok.str.contains(_GLUED_QUAD).alias("_q"))
    dotted = other.filter(pl.col("_q")).drop("_q")
    other = other.filter(~pl.col("_q")).drop("_q")
    # A plate glued to capitals or digits (``渝A12345ABC``,
    # ``渝A1234513812345678``): the plate is split off, the rest scanned.
    # (both rare: the common case skips the filters and conditions)
    pg = other.select(
        tok.str.contains(_PLATE_GLUED) & ~tok.str.contains(_PLATE)
    ).to_series()
    plated = other.clear()
    if pg.any():
        plated, other = other.filter(pg), other.filter(~pg)
    null_int = pl.lit(None, dtype=pl.Int64)
    lpd = pl.col("_lp").str.contains("[0-9]")
    lp_len = pl.col("_lp").str.len_chars().cast(pl.Int64)
    plain = [
        (pl.col("_lp") + tok).alias("whole"),
        pl.col("_lp").alias("xpre"),
        pl.lit("").alias("xpost"),
        null_int.alias("_s"),
        null_int.alias("_e"),
        null_int.alias("_v"),
    ]
    has_lpd = pl.concat([first.select(lpd), other.select(lpd)])["_lp"].any()
    if has_lpd:
        plain[1:] = [
            pl.when(lpd).then(pl.lit("")).otherwise(pl.col("_lp")).alias("xpre"),
            pl.lit("").alias("xpost"),
            pl.when(lpd).then(lp_len).otherwise(null_int).alias("_s"),
            pl.when(lpd)
            .then(lp_len + tok.str.len_chars().cast(pl.Int64))
            .otherwise(null_int)
            .alias("_e"),
            pl.when(lpd)
            .then(pl.lit(0, dtype=pl.Int64))
            .otherwise(null_int)
            .alias("_v"),
        ]
    # (digit runs are ASCII: their length in bytes is their length)
    length = tok.str.len_bytes()
    # Digit runs are sorted by length alone; other tokens by their shape.
    digit_shape = (
        pl.when(length == 18)
        .then(pl.lit("d18"))
        .when((length == 15) & tok.str.starts_with("00861"))
        .then(pl.lit("intl"))
        .when(length == 15)
        .then(pl.lit("d15"))
        .when(length == 11)
        .then(pl.lit("mobile_check"))
        .when(length.is_between(_CARD_MIN, _CARD_MAX))
        .then(pl.lit("card"))
        .otherwise(None)
    )
    columns = digit_toks.columns + ["whole", "xpre", "xpost", "_s", "_e", "_v"]
    # Findings inside tokens (rare: the common case skips these queries).
    inside = []
    if mixed.height or dotted.height or plated.height or has_lpd:
        # the alphanumeric text before a glued quad may hold identifiers too
        lead = dotted.with_columns(
            pl.col("tok").alias("whole"),
            pl.col("tok").str.extract(r"^([0-9A-Za-z]*?)[0-9]+\.", 1),
        ).filter(pl.col("tok").str.contains(_MIXED_HINT))
        # Alphanumeric stretches scanned inside a token, ``_o`` where they
        # start in it: mixed tokens, the text before a glued quad, the text
        # before a landline or grouped number holding digits, the rest of a
        # token after a glued plate.
        zero = pl.lit(0, dtype=pl.Int64)
        keys = [c for c in digit_toks.columns if c != "tok"]
        pg = plated.with_columns(
            tok.str.extract_groups("^(" + _PLATE_PREFIX + ")(.*)$").alias("_g")
        ).with_columns(
            pl.col("_g").struct.field("1").alias("_pl"),
            pl.col("_g").struct.field("2").alias("_rest"),
        )
        inner = pl.concat(
            [
                mixed.with_columns(tok.alias("whole"), zero.alias("_o")),
                lead.with_columns(zero.alias("_o")),
                pl.concat([first.drop("shape"), other])
                .filter(lpd)
                .with_columns(
                    (pl.col("_lp") + tok).alias("whole"),
                    pl.col("_lp").alias("tok"),
                    zero.alias("_o"),
                ),
                pg.select(
                    *keys,
                    tok.alias("whole"),
                    pl.col("_rest").alias("tok"),
                    pl.col("_pl").str.len_chars().cast(pl.Int64).alias("_o"),
                ),
            ],
            how="diagonal",
        ).select(*digit_toks.columns, "whole", "_o")
        subs = (
            _mixed_parts(inner, pl.col("whole"))
            .with_columns(pl.col("_s") + pl.col("_o"), pl.col("_e") + pl.col("_o"))
            .drop("_o")
            .with_columns(digit_shape.alias("shape"))
        )
        # a split-off plate counts only when the rest is letters or holds a
        # finding (``_v`` -1, see :func:`_resolve_parts`): ``新AB12345X`` may
        # be a product code
        plates = pg.select(
            *keys,
            tok.alias("whole"),
            pl.col("_pl").alias("tok"),
            pl.lit("").alias("xpre"),
            pl.lit("").alias("xpost"),
            zero.alias("_s"),
            pl.col("_pl").str.len_chars().cast(pl.Int64).alias("_e"),
            pl.when(pl.col("_rest").str.contains("^[A-Za-z]+$"))
            .then(zero)
            .otherwise(pl.lit(-1, dtype=pl.Int64))
            .alias("_v"),
            pl.lit("plate").alias("shape"),
        )
        quads = _dotted_parts(dotted)
        quads = quads.with_columns(
            pl.when(pl.col("_ip"))
            .then(pl.lit("ipv4"))
            .otherwise(digit_shape)
            .alias("shape")
        )
        inside = [
            subs.select(*columns, "shape"),
            _glued_parts(inner).select(*columns, "shape"),
            plates.select(*columns, "shape"),
            quads.select(*columns, "shape"),
        ]
    shaped = pl.concat(
        [
            digit_toks.with_columns(*plain, digit_shape.alias("shape")),
            first.with_columns(*plain).select(*columns, "shape"),
            other.with_columns(*plain).with_columns(_shape_rest(tok).alias("shape")),
            *inside,
        ]
    ).drop_nulls("shape")
    parts = [
        _validated(shape, group.drop("shape"))
        for (shape,), group in shaped.group_by("shape")
    ]
    if not parts:
        return _none_found(cands)
    found = pl.concat(parts).filter(pl.col("kind").is_not_null())
    found = _resolve_area(found)
    found = _resolve_ipv6(found)
    return _resolve_parts(found).select(_FOUND)


def _email_split(found: pl.DataFrame) -> pl.DataFrame:
    """``^()([^@]+)(@.*)$`` on ``tok`` as ``_pre``, ``_part``, ``_post``
    (null when the token does not have that form), without a capturing
    regex: the local part is what precedes the first ``@`` (e-mail tokens
    hold no newline)."""
    halves = pl.col("tok").str.splitn("@", 2)
    local, domain = pl.col("_l"), pl.col("_d")
    ok = (local.str.len_bytes() > 0) & domain.is_not_null()
    return (
        found.with_columns(
            halves.struct.field("field_0").alias("_l"),
            halves.struct.field("field_1").alias("_d"),
        )
        .with_columns(
            pl.when(ok).then(pl.lit("")).alias("_pre"),
            pl.when(ok).then(local).alias("_part"),
            pl.when(ok).then(pl.lit("@") + domain).alias("_post"),
        )
        .drop("_l", "_d")
    )


_HONORIFIC = _HONORIFIC_WORD + "?$"
# The surname and given-name lengths the pattern
# ``^(.*?)(NAME_IN_TEXT)((?:先生|女士)?)$`` tries, in its order (compound
# surnames first, two given characters before one), each as an anchored
# test of the name found: the first that holds fixes where the name ends.
_NAME_LENGTHS = tuple(
    ("^" + surname + _GIVEN + "{" + str(given) + "}" + _HONORIFIC, length + given)
    for surname, length in ((_COMPOUND, 2), (_SINGLE, 1))
    for given in (2, 1)
)


def _name_split(found: pl.DataFrame) -> pl.DataFrame:
    """``^(.*?)(NAME_IN_TEXT)((?:先生|女士)?)$`` on ``tok`` as ``_pre`` (the
    cue), ``_part`` (the name) and ``_post`` (先生/女士 or empty), null when
    the token does not end in a name; matched without capturing groups (a
    lazy DFA finds where the name starts, the anchored tests where it ends).
    Name tokens hold no newline, which ``.`` would not cross."""
    tok, pre, name = pl.col("tok"), pl.col("_c"), pl.col("_n")
    length = pl.lit(None, dtype=pl.UInt32)
    for pattern, chars in reversed(_NAME_LENGTHS):
        length = pl.when(name.str.contains(pattern)).then(chars).otherwise(length)
    found_ = pre.str.len_bytes() < tok.str.len_bytes()
    return (
        found.with_columns(
            tok.str.replace("(?:" + NAME_IN_TEXT + ")" + _HONORIFIC, "").alias("_c")
        )
        .with_columns(tok.str.slice(pre.str.len_chars()).alias("_n"))
        .with_columns(length.alias("_k"))
        .with_columns(
            pl.when(found_).then(pre).alias("_pre"),
            pl.when(found_).then(name.str.head(pl.col("_k"))).alias("_part"),
            pl.when(found_).then(name.str.slice(pl.col("_k"))).alias("_post"),
        )
        .drop("_c", "_n", "_k")
    )


def _bare_name_split(found: pl.DataFrame) -> pl.DataFrame:
    """A bare name (``王芳来电``) as ``_part`` and the word after it as
    ``_post``; its kind becomes ``name``. (Bare names are few: a capturing
    pattern.)"""
    groups = pl.col("tok").str.extract_groups(_NAME_BARE_SPLIT)
    return found.with_columns(
        pl.lit("name").alias("kind"),
        groups.struct.field("1").alias("_pre"),
        groups.struct.field("2").alias("_part"),
        groups.struct.field("3").alias("_post"),
    )


_SPLITS = {"email": _email_split, "name": _name_split, "name_bare": _bare_name_split}


_FINDING_KEYS = (
    "col",
    "row",
    "idx",
    pl.col("_s").alias("sub"),
    "kind",
    pl.col("whole").alias("value"),
)

# A dotted quad with letters or more digits glued before it, or more digits
# after it (a plain dotted quad has 1–3 digits per part).
_GLUED_QUAD = (
    r"^(?:[0-9A-Za-z]*[A-Za-z][0-9]+|[0-9]{4,})\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]+$"
    r"|^[0-9A-Za-z]*[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{4,}$"
)


# A passport inside a longer alphanumeric token (``TelG46580993``; its
# digits are a whole digit run), a unified social credit code anywhere in
# one, a plate followed by capitals or digits: what sends a token to the
# inner scan (with 11 or more digits in a row).
_PASSPORT_IN = _PASSPORT_FORMS + "(?:[^0-9]|$)"
_MIXED_HINT = r"[0-9]{11}|" + _PASSPORT_IN + "|" + _USCC_FORM
_MIXED_TOKEN = (
    r"^[0-9A-Za-z]*(?:[0-9]{11}|"
    + _PASSPORT_FORMS
    + "(?:[A-Za-z]|$)|"
    + _USCC_FORM
    + r")[0-9A-Za-z]*$"
)
_CODE_OR_PASSPORT = "^(?:" + _USCC_FORM + "|" + _PASSPORT_FORMS + ")$"
_PLATE_PREFIX = (
    "[" + PROVINCE_CHARS + r"][A-HJ-NP-Z][·•]?"
    r"(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{5})"
)
_PLATE_GLUED = "^" + _PLATE_PREFIX + "[0-9A-Z]+$"
# Hexadecimal strings with short digit runs are hashes: no passport there.
_HEX = "^[0-9A-Fa-f]+$"
_SHORT_RUN = "(?:^|[^0-9])[0-9]{1,6}(?:[^0-9]|$)"


def _glued_parts(inner: pl.DataFrame) -> pl.DataFrame:
    """Passports and unified social credit codes inside alphanumeric
    stretches (``tok``, starting at ``_o`` in the token ``whole``), one row
    each with its span ``_s``/``_e`` in the token and its ``shape``.

    A passport is a run of 8 digits after E or G, or of 7 after E plus a
    letter or D/S/P plus E (``TelG46580993abc``, ``13812345678G46580993``);
    a code is every 18-character stretch of its shape (its check character
    decides, see :func:`_validated`). Overlaps with the digit runs of
    :func:`_mixed_parts` are settled in :func:`_resolve_parts`."""
    tok = pl.col("tok")
    base = inner.with_row_index("_t")
    length = tok.str.len_chars().cast(pl.Int64)
    fixed = [
        pl.lit("").alias("xpre"),
        pl.lit("").alias("xpost"),
        pl.lit(0, dtype=pl.Int64).alias("_v"),
    ]
    at = pl.col("_w")
    codes = (
        base.filter((length >= 18) & tok.str.contains(_USCC_FORM))
        .with_columns(pl.int_ranges(0, length - 17, dtype=pl.Int64).alias("_w"))
        .explode("_w")
        .with_columns(
            tok.str.slice(at, 18),
            (at + pl.col("_o")).alias("_s"),
            (at + pl.col("_o") + 18).alias("_e"),
            pl.lit("a18").alias("shape"),
            *fixed,
        )
        .filter(tok.str.contains(_USCC_SHAPE))
    )
    run, prev = pl.col("_r"), pl.col("_prev")
    n = run.str.len_chars().cast(pl.Int64)
    digits = run.str.contains("^[0-9]")
    letters = (
        pl.when(digits & (n == 8) & prev.str.contains("[EG]$"))
        .then(pl.lit(1, dtype=pl.Int64))
        .when(digits & (n == 7) & prev.str.contains("(?:E[A-HJ-NP-Z]|[DSP]E)$"))
        .then(pl.lit(2, dtype=pl.Int64))
    )
    k = pl.col("_k")
    passports = (
        base.filter(
            tok.str.contains(_PASSPORT_IN)
            & ~(tok.str.contains(_HEX) & tok.str.contains(_SHORT_RUN))
        )
        .with_columns(tok.str.extract_all("[0-9]+|[^0-9]+").alias("_r"))
        .explode("_r")
        .with_columns(
            n.cum_sum().over("_t").alias("_re"),
            run.shift(1).over("_t").alias("_prev"),
        )
        .with_columns(letters.alias("_k"))
        .filter(k.is_not_null())
        .with_columns(
            (prev.str.tail(k) + run).alias("tok"),
            (pl.col("_re") - n - k + pl.col("_o")).alias("_s"),
            (pl.col("_re") + pl.col("_o")).alias("_e"),
            pl.lit("passport").alias("shape"),
            *fixed,
        )
    )
    keep = [*inner.columns, "_s", "_e", "shape", "xpre", "xpost", "_v"]
    return pl.concat([codes.select(keep), passports.select(keep)])


def _mixed_parts(mixed: pl.DataFrame, whole: pl.Expr | None = None) -> pl.DataFrame:
    """Every run of 11 or more digits (an 18-digit run may end in X) of
    alphanumeric tokens, one row each: ``tok`` the run, ``whole`` the token,
    ``_s``/``_e`` the run's span in the token (``Tel13912345678abcTel...``
    holds two numbers)."""
    tok = pl.col("tok")
    pieces = (
        mixed.with_row_index("_t")
        .with_columns(
            tok.alias("whole") if whole is None else whole,
            tok.str.replace_all(r"([0-9]{11,}X?)", "\x00${1}\x00").str.split("\x00"),
        )
        .with_columns(
            pl.int_ranges(0, tok.list.len(), dtype=pl.UInt32).alias("_p"),
        )
        .explode("tok", "_p")
        .with_columns(
            tok.str.len_chars().cast(pl.Int64).cum_sum().over("_t").alias("_e")
        )
        .filter(pl.col("_p") % 2 == 1)
    )
    # A trailing X belongs to the run only when it makes an 18-digit ID.
    stray = tok.str.ends_with("X") & (tok.str.len_chars() != 18)
    # ``0086`` before a mobile number stays as it is (``Tel008613812345678``)
    intl = tok.str.contains(r"^00861[3-9][0-9]{9}$")
    return (
        pieces.with_columns(
            (pl.col("_e") - stray.cast(pl.Int64)).alias("_e"),
            pl.when(stray)
            .then(tok.str.slice(0, tok.str.len_chars() - 1))
            .otherwise(tok),
        )
        .with_columns(pl.when(intl).then(tok.str.slice(4)).otherwise(tok))
        .with_columns(
            (pl.col("_e") - tok.str.len_chars().cast(pl.Int64)).alias("_s"),
            pl.lit("").alias("xpre"),
            pl.lit("").alias("xpost"),
            pl.lit(0, dtype=pl.Int64).alias("_v"),
        )
    )


def _dotted_parts(dotted: pl.DataFrame) -> pl.DataFrame:
    """Dotted quads glued to digits: where the address starts (its first
    part takes the last 1, 2 or 3 digits of the leading run) and ends is
    ambiguous, so every split is a variant ``_v``; each yields up to three
    sub-tokens (the digits before, the address (``_ip``), the digits
    after). :func:`_resolve_parts` keeps the variant with most findings."""
    tok = pl.col("tok")
    g = tok.str.extract_groups(
        r"^([0-9A-Za-z]*?)([0-9]+)\.([0-9]{1,3}\.[0-9]{1,3})\.([0-9]+)$"
    )
    base = dotted.with_columns(
        tok.alias("whole"),
        g.struct.field("1").alias("_l"),
        g.struct.field("2").alias("_a"),
        g.struct.field("3").alias("_m"),
        g.struct.field("4").alias("_b"),
    ).drop_nulls("_a")
    ks = pl.DataFrame({"_kf": [1, 2, 3]}).join(
        pl.DataFrame({"_kl": [1, 2, 3]}), how="cross"
    )
    la = pl.col("_a").str.len_chars().cast(pl.Int64)
    lb = pl.col("_b").str.len_chars().cast(pl.Int64)
    kf, kl = pl.col("_kf").cast(pl.Int64), pl.col("_kl").cast(pl.Int64)
    ll = pl.col("_l").str.len_chars().cast(pl.Int64)
    v = base.join(ks, how="cross").filter(
        ((la > 3) & (kf <= la)) | ((la <= 3) & (kf == la)),
        ((lb > 3) & (kl <= lb)) | ((lb <= 3) & (kl == lb)),
    )
    v = v.with_columns(
        pl.col("_a").str.slice(0, la - kf).alias("_pre"),
        (
            pl.col("_a").str.slice(la - kf)
            + "."
            + pl.col("_m")
            + "."
            + pl.col("_b").str.slice(0, kl)
        ).alias("_ip"),
        pl.col("_b").str.slice(kl).alias("_post"),
        (pl.col("_kf") * 4 + pl.col("_kl")).cast(pl.Int64).alias("_v"),
    )
    s_ip = ll + la - kf
    e_ip = s_ip + pl.col("_ip").str.len_chars().cast(pl.Int64)
    keep = ["col", "row", "idx", "_lp", "whole", "_v"]
    blank = [pl.lit("").alias("xpre"), pl.lit("").alias("xpost")]
    return pl.concat(
        [
            v.select(
                *keep,
                pl.col("_pre").alias("tok"),
                ll.alias("_s"),
                s_ip.alias("_e"),
                pl.lit(False).alias("_ip"),
                *blank,
            ),
            v.select(
                *keep,
                pl.col("_ip").alias("tok"),
                s_ip.alias("_s"),
                e_ip.alias("_e"),
                pl.lit(True).alias("_ip"),
                *blank,
            ),
            v.select(
                *keep,
                pl.col("_post").alias("tok"),
                e_ip.alias("_s"),
                pl.col("whole").str.len_chars().cast(pl.Int64).alias("_e"),
                pl.lit(False).alias("_ip"),
                *blank,
            ),
        ]
    ).filter(tok.str.len_chars() > 0)


def _resolve_parts(found: pl.DataFrame) -> pl.DataFrame:
    """Findings inside a token (sub-tokens of :func:`_mixed_parts` and
    :func:`_dotted_parts`): keep the split variant with most findings (ties:
    the longest address parts), then set ``xpre``/``xpost`` so that the
    token is rebuilt by joining ``xpre + part + xpost`` of its findings in
    order of ``_s`` (the engine does that): the text before a finding back
    to the previous one, and after the last one."""
    parts = found.filter(pl.col("_s").is_not_null())
    if parts.height == 0:
        return found
    rest = found.filter(pl.col("_s").is_null())
    key = ["col", "row", "idx"]
    parts = parts.join(rest.select(key), on=key, how="anti")
    parts = _drop_overlaps(parts, key)
    # a plate split off a token before other text (``_v`` -1) counts only
    # next to another finding in that token
    parts = parts.filter(~((pl.col("_v") == -1) & (pl.len().over(key) == 1)))
    # (``_v`` 0: digit runs of a mixed token or of what precedes a quad)
    score = pl.when(pl.col("_v") > 0).then(
        pl.len().over([*key, "_v"]) * 16 + pl.col("_v")
    )
    parts = parts.filter((pl.col("_v") <= 0) | (score == score.max().over(key))).sort(
        [*key, "_s"]
    )
    prev = pl.col("_e").shift(1).over(key).fill_null(0)
    last = pl.col("_s") == pl.col("_s").max().over(key)
    whole = pl.col("whole")
    parts = parts.with_columns(
        whole.str.slice(prev, pl.col("_s") - prev).alias("xpre"),
        pl.when(last)
        .then(whole.str.slice(pl.col("_e")))
        .otherwise(pl.lit(""))
        .alias("xpost"),
    )
    return pl.concat([rest, parts.select(rest.columns)])


def _drop_overlaps(parts: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """Findings inside one token found by different scans (a digit run, a
    code or passport around it) may overlap: the longest stays (ties: the
    first). Split variants of dotted quads (``_v`` > 0) are left alone."""
    flat = parts.filter(pl.col("_v") <= 0)
    if flat.height < 2:
        return parts
    flat = flat.with_row_index("_pid")
    side = flat.select(*key, "_pid", "_s", "_e")
    them = side.rename({"_pid": "_pid2", "_s": "_s2", "_e": "_e2"})
    width = pl.col("_e") - pl.col("_s")
    width2 = pl.col("_e2") - pl.col("_s2")
    beaten = (
        side.join(them, on=key)
        .filter(
            (pl.col("_pid2") != pl.col("_pid"))
            & (pl.col("_s") < pl.col("_e2"))
            & (pl.col("_s2") < pl.col("_e"))
            & (
                (width2 > width)
                | ((width2 == width) & (pl.col("_pid2") < pl.col("_pid")))
            )
        )["_pid"]
        .unique()
    )
    if beaten.len() == 0:
        return parts
    kept = flat.filter(~pl.col("_pid").is_in(beaten.implode())).drop("_pid")
    return pl.concat([parts.filter(pl.col("_v") > 0), kept])


def _resolve_area(found: pl.DataFrame) -> pl.DataFrame:
    """Resident ID candidates: keep those whose area code existed in the
    birth year (python-stdnum's division table)."""
    pending = found.filter(pl.col("kind") == "resident_id_check")
    rest = found.filter(pl.col("kind") != "resident_id_check")
    if pending.height == 0:
        return rest
    pending = pending.with_row_index("_cid").with_columns(
        pl.col("tok").str.slice(0, 6).alias("area"),
        birth_year(pl.col("tok")).alias("_y"),
    )
    joined = pending.join(areas.area_table(), on="area", how="inner").filter(
        (pl.col("start").is_null() | (pl.col("_y") >= pl.col("start")))
        & (pl.col("end").is_null() | (pl.col("_y") <= pl.col("end")))
    )
    ok_ids = joined["_cid"].unique()
    ok = pending.filter(pl.col("_cid").is_in(ok_ids.implode())).with_columns(
        pl.lit("resident_id").alias("kind")
    )
    return pl.concat([rest, ok.select(rest.columns)])


def _resolve_ipv6(found: pl.DataFrame) -> pl.DataFrame:
    pending = found.filter(pl.col("kind") == "ipv6_check")
    rest = found.filter(pl.col("kind") != "ipv6_check")
    if pending.height == 0:
        return rest
    ok = pending.filter(_ipv6_ok(pending["tok"])).with_columns(
        pl.lit("ipv6").alias("kind")
    )
    return pl.concat([rest, ok])


def _empty_findings() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "col": pl.UInt16,
            "row": pl.UInt32,
            "idx": pl.UInt32,
            "sub": pl.Int64,
            "kind": pl.Utf8,
            "value": pl.Utf8,
            "pre": pl.Utf8,
            "part": pl.Utf8,
            "post": pl.Utf8,
        }
    )


def detect(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Findings (see :func:`classify`) in the given width-folded columns."""
    return classify(extract_candidates(frame, columns))


def detect_texts(texts: list[str]) -> list[tuple[str, str]]:
    """Convenience for single strings: ``[(kind, value), ...]`` in order of
    appearance per text (used by tests and the publish gate's messages)."""
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.Utf8}).select(
        fold_width(pl.col("t")).alias("t")
    )
    found = detect(frame, ["t"]).sort("row", maintain_order=True)
    return list(zip(found["kind"].to_list(), found["value"].to_list(), strict=False))
