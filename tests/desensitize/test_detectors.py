"""Detectors: every kind, the gotchas, look-alikes, and agreement with
python-stdnum on generated identifiers."""

from __future__ import annotations

import random

import polars as pl
import pytest

from ckanext.cqgov.desensitize import detectors, synthetic, verify

RNG_SEED = 20260101


def kinds(text: str) -> list[tuple[str, str]]:
    return sorted(detectors.detect_texts([text]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # digits glued to Chinese text
        ("电话13812345678", [("mobile", "13812345678")]),
        ("身份证11010519491231002X号", [("resident_id", "11010519491231002X")]),
        ("卡号6222021234567890128已冻结", [("bank_card", "6222021234567890128")]),
        # full-width digits (folded to ASCII)
        ("手机１３８１２３４５６７８", [("mobile", "13812345678")]),
        (
            "１１０１０５１９４９１２３１００２Ｘ",
            [("resident_id", "11010519491231002X")],
        ),
        # adjacent matches
        (
            "010-62345678或0755-8765432",
            [("landline", "010-62345678"), ("landline", "0755-8765432")],
        ),
        (
            "13812345678、13987654321",
            [("mobile", "13812345678"), ("mobile", "13987654321")],
        ),
        # prefixes and separators
        ("+8613812345678", [("mobile", "+8613812345678")]),
        ("0086 13812345678", [("mobile", "0086 13812345678")]),
        ("138 1234 5678", [("mobile", "138 1234 5678")]),
        ("6222 0212 3456 7890 128", [("bank_card", "6222 0212 3456 7890 128")]),
        ("(023)62345678", [("landline", "(023)62345678")]),
        ("ID110105194912310021X", []),
        ("Tel13812345678", [("mobile", "Tel13812345678")]),
        # other kinds
        ("代码91110000600037341L", [("uscc", "91110000600037341L")]),
        # passes GB 11643's check but its area code never existed: a card
        ("629897192102025985", [("bank_card", "629897192102025985")]),
        ("旧证110105491231002", [("resident_id", "110105491231002")]),
        ("邮箱 zhang.san@example.com，", [("email", "zhang.san@example.com")]),
        ("护照E12345678", [("passport", "E12345678")]),
        ("车牌渝A12345", [("plate", "渝A12345")]),
        ("新能源渝AD12345", [("plate", "渝AD12345")]),
        ("IP 192.168.1.1", [("ipv4", "192.168.1.1")]),
        ("地址2001:db8::1", [("ipv6", "2001:db8::1")]),
        ("位置106.551556,29.563009", [("coordinates", "106.551556,29.563009")]),
        ("联系人：张三电话", [("name", "联系人：张三")]),
        ("王小明先生已到", [("name", "王小明先生")]),
        # names in running text, before a word that follows a person
        ("王芳来电反映噪音问题", [("name", "王芳来电")]),
        ("经李明确认，材料齐全", [("name", "李明确认")]),
        ("由张伟签收", [("name", "张伟签收")]),
        ("张三说明情况", [("name", "张三说")]),
        ("欧阳娜娜来电", [("name", "欧阳娜娜来电")]),
        # a street and a house number without the district
        ("住在民族路12号", [("address", "住在民族路12号")]),
        ("红旗河沟街48号3栋", [("address", "红旗河沟街48号3栋")]),
        (
            "住重庆市渝中区解放碑路88号3栋2单元",
            [("address", "住重庆市渝中区解放碑路88号3栋2单元")],
        ),
    ],
)
def test_detects(text, expected):
    assert kinds(text) == sorted(expected)


@pytest.mark.parametrize(
    "text",
    [
        "110105194912310021",  # wrong check character
        "110105194913310028",  # month 13
        "990105194912310021",  # unknown area
        "6222021234567890127",  # fails Luhn
        "91110000600037341M",  # wrong GB 32100 check character
        "12812345678",  # not a mobile prefix
        "订单号202301011234567",  # a 15-digit number with no valid date
        "时间12:30:45",
        "版本1.2",
        "金额12345.67元",
        "010-1234567",  # local number cannot start with 1
        "138123456789",  # 12 digits: not a mobile
        # words starting with a surname character, before 已/在/于…
        "林业局已回复",
        "全市已完成整改",
        "由于今日停电",
        "明天上午九点在会议室开会",
        "各项须按规定办理",
        "数据项名称",
        "龙洞村将举行村民大会",  # places and institutions
        "田坝乡于2020年撤并",
        "石油路街道在开展排查",
        "马家沟站已关闭",
        "万州区第3号文件",
        "渝办发〔2019〕12号",
        "渝中区民生路附近有积水",  # a street without a number: a place
    ],
)
def test_look_alikes_are_not_detected(text):
    assert kinds(text) == []


def test_generated_identifiers_agree_with_stdnum():
    rng = random.Random(RNG_SEED)
    values = (
        [synthetic.resident_id(rng) for _ in range(2000)]
        + [synthetic.bad_resident_id(rng) for _ in range(2000)]
        + [synthetic.uscc_code(rng) for _ in range(1000)]
        + [synthetic.bad_uscc(rng) for _ in range(1000)]
        + [synthetic.bank_card(rng) for _ in range(1000)]
        + [synthetic.bad_bank_card(rng) for _ in range(1000)]
    )
    frame = pl.DataFrame({"t": values})
    found = detectors.detect(frame, ["t"])
    by_row = dict(zip(found["row"].to_list(), found["kind"].to_list(), strict=False))
    for i, value in enumerate(values):
        expected = (
            "resident_id"
            if verify.is_resident_id(value)
            else "uscc"
            if verify.is_uscc(value)
            else "bank_card"
            if verify.is_bank_card(value)
            else None
        )
        if expected == "bank_card" and len(value) == 18 and by_row.get(i) is None:
            continue  # an ID-shaped number is not taken for a card
        assert by_row.get(i) == expected, value


def test_area_code_must_exist_in_birth_year():
    # 110103 (崇文区) existed until 2010: valid for 1980, not for 2015.
    from stdnum.cn import ric

    for year, ok in (("1980", True), ("2015", False)):
        body = "110103" + year + "0101" + "123"
        value = body + ric.calc_check_digit(body + "0")
        assert (kinds(value) == [("resident_id", value)]) is ok
        assert verify.is_resident_id(value) is ok


def test_residual_scan_uses_stdnum():
    rng = random.Random(3)
    frame = pl.DataFrame(
        {"a": [synthetic.resident_id(rng), "无", synthetic.bank_card(rng)]}
    )
    counts = verify.scan_tokens(detectors.extract_candidates(frame, ["a"])["tok"])
    assert counts["stdnum:resident_id"] == 1
    assert counts["stdnum:bank_card"] == 1


def test_gate_counts_personal_findings_only():
    from ckanext.cqgov.desensitize import gate

    report = {"columns": [{"findings": {"uscc": 3, "mobile": 1, "sex": 9}}]}
    assert gate.findings(report) == {"mobile": 1}


def test_split_candidates_matches_extract_and_rebuilds():
    """The engine's one-pass split (lone-token columns and cut cells) gives
    the same tokens as extract_candidates, and rebuilding puts the cells
    back together around replaced tokens."""
    frame = pl.DataFrame(
        {
            "ids": ["110101199003077777", None, "", "13812345678"],
            "text": [
                "电话13812345678，身份证110101199003077777",
                None,
                "010-62345678或0755-8765432",
                "无",
            ],
        }
    )
    cols = ["ids", "text"]
    cands, pieces = detectors.split_candidates(frame, cols)
    expected = detectors.extract_candidates(frame, cols)
    key = ["col", "row", "idx"]
    assert cands.sort(key).equals(expected.sort(key))
    assert pieces[0].lengths is None  # every cell is one token
    assert pieces[1].lengths is not None
    for i, name in enumerate(cols):
        mine = cands.filter(pl.col("col") == i)
        unchanged = pieces[i].rebuild(
            mine.select("row", "idx", pl.col("tok").alias("_out"))
        )
        assert unchanged.fill_null("").to_list() == frame[name].fill_null("").to_list()
        starred = pieces[i].rebuild(
            mine.select("row", "idx", pl.lit("*").alias("_out"))
        )
        assert "1" not in "".join(starred.fill_null("").to_list())
    rebuilt = pieces[1].rebuild(
        pl.DataFrame(
            {"row": [0], "idx": [1], "_out": ["X"]},
            schema={"row": pl.UInt32, "idx": pl.UInt32, "_out": pl.Utf8},
        )
    )
    assert rebuilt[0] == "电话13812345678，身份证X"
    assert rebuilt[2] == "010-62345678或0755-8765432"


def test_fold_columns_skips_only_columns_without_full_width():
    frame = pl.DataFrame(
        {
            "a": ["电话１３８１２３４５６７８", "（０１０）６２３４５６７８", None],
            "b": ["plain，；text", None, ""],
        }
    )
    folded = detectors.fold_columns(frame, ["a", "b"])
    expected = frame.with_columns([detectors.fold_width(pl.col(c)) for c in ("a", "b")])
    assert folded.equals(expected)
    assert folded["a"][0] == "电话13812345678"
    for ch in detectors.FULL_WIDTH_FROM:
        assert pl.Series([ch]).str.contains(detectors._FOLDED)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # every long digit run of a mixed alphanumeric token is a candidate
        (
            "Tel13912345678abcTel13912345678abc",
            [("mobile", "13912345678"), ("mobile", "13912345678")],
        ),
        (
            "ID11010519491231002Xabc13812345678",
            [("mobile", "13812345678"), ("resident_id", "11010519491231002X")],
        ),
        # a stray X after a mobile number belongs to the following text
        ("Tel13912345678Xabc", [("mobile", "13912345678")]),
        # an identifier glued to a dotted quad: the address takes the
        # split under which most identifiers validate
        (
            "13812345678192.168.1.1",
            [("ipv4", "192.168.1.1"), ("mobile", "13812345678")],
        ),
        (
            "192.168.1.113812345678",
            [("ipv4", "192.168.1.1"), ("mobile", "13812345678")],
        ),
        (
            "abc13812345678192.168.1.1x",
            [("ipv4", "192.168.1.1"), ("mobile", "13812345678")],
        ),
        ("IP192.168.1.1", [("ipv4", "192.168.1.1")]),
        (
            "17991433014Tel106.115.64.16",
            [("ipv4", "106.115.64.16"), ("mobile", "17991433014")],
        ),
        # a 17-digit card followed by an X of the following text
        ("42734548150214701x", [("bank_card", "42734548150214701")]),
        # letters glued before a landline or a grouped number
        ("Tel010-50361481abc", [("landline", "010-50361481")]),
        ("Tel138-1234-5678号", [("mobile", "138-1234-5678")]),
        ("ID2023-01-01", []),
        ("Tel008613812345678", [("mobile", "13812345678")]),
        ("Tel008613812345678X", [("mobile", "13812345678")]),
        # still nothing for numbers that fail their check
        ("Tel13912345678abc12345678901", [("mobile", "13912345678")]),
        ("v1.2.3", []),
        # passports glued to letters or to another identifier
        ("TelG46580993", [("passport", "G46580993")]),
        ("abcE12345678abc", [("passport", "E12345678")]),
        ("NoEA1234567x", [("passport", "EA1234567")]),
        (
            "13812345678G46580993",
            [("mobile", "13812345678"), ("passport", "G46580993")],
        ),
        ("G12345678G87654321", [("passport", "G12345678"), ("passport", "G87654321")]),
        # nine digits after the letter: not a passport
        ("TelG465809931", []),
        # a unified social credit code glued to letters or another identifier
        ("abc91500000MA5U0XXXXT", [("uscc", "91500000MA5U0XXXXT")]),
        (
            "13812345678abc91500000MA5U0XXXXTx",
            [("mobile", "13812345678"), ("uscc", "91500000MA5U0XXXXT")],
        ),
        ("abc91500000MA5U0XXXX0", []),
        # a plate followed by capitals or digits
        ("渝A12345ABC", [("plate", "渝A12345")]),
        ("渝A1234513812345678", [("mobile", "13812345678"), ("plate", "渝A12345")]),
        ("渝AD12345G46580993", [("passport", "G46580993"), ("plate", "渝AD12345")]),
        # ... but not a product code that merely starts like one
        ("新AB12345X", []),
        # a landline or grouped number after digits and letters
        ("123abc023-68001234", [("landline", "023-68001234")]),
        (
            "13812345678abc010-62345678",
            [("landline", "010-62345678"), ("mobile", "13812345678")],
        ),
    ],
)
def test_identifiers_glued_inside_one_token(text, expected):
    found = detectors.detect(
        pl.DataFrame({"t": [text]}).select(detectors.fold_width(pl.col("t"))), ["t"]
    )
    assert sorted(zip(found["kind"], found["part"], strict=True)) == expected
    # the findings cut the token into stretches that rebuild it exactly
    stretches = found.sort("sub").select(
        pl.concat_str("pre", "part", "post").str.join("")
    )
    if found.height > 1:
        assert stretches.item() == found["value"][0]


def _random_tokens(rng: random.Random, n: int) -> list[str]:
    """Hashes (lower- and upper-case hex), base32 strings and upper-case
    alphanumeric codes: what order numbers, hashes and product codes look
    like."""
    alphabets = (
        ("0123456789abcdef", (32, 40, 64)),
        ("0123456789ABCDEF", (32, 40, 64)),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", (16, 26, 32)),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", (10, 12, 16, 20)),
    )
    out = []
    for i in range(n):
        alphabet, lengths = alphabets[i % len(alphabets)]
        out.append("".join(rng.choice(alphabet) for _ in range(rng.choice(lengths))))
    return out


def test_random_alphanumeric_tokens_are_rarely_flagged():
    """Passport, code and plate search inside tokens must not flag random
    strings: the false-positive rate (tokens with any finding) is printed.
    What remains are mostly 11-digit runs that happen to look like a mobile
    number (0.115 % of these tokens before the in-token search, 0.120 %
    with it: one code more)."""
    tokens = _random_tokens(random.Random(3), 20_000)
    found = detectors.detect(pl.DataFrame({"t": tokens}), ["t"])
    rate = found["row"].n_unique() / len(tokens)
    by_kind = dict(found.group_by("kind").len().iter_rows())
    print(f"\nrandom hex/base32/alphanumeric tokens flagged: {rate:.4%} {by_kind}")
    assert rate < 0.002
    assert by_kind.get("passport", 0) == 0
    assert by_kind.get("plate", 0) == 0


def _id_shaped_cards(rng: random.Random, n: int) -> list[str]:
    """Luhn-valid 18-digit card numbers that start like a resident ID (a
    known area code with a card-scheme prefix, then 19/20) but hold neither a
    valid birth date nor a valid ID check character."""
    from stdnum import luhn
    from stdnum.cn import ric

    from ckanext.cqgov.desensitize import areas

    starts = [a for a in areas.always_valid_areas() if a[0] == "4" or a[:2] == "62"]
    cards = []
    while len(cards) < n:
        year = rng.choice(["19", "20"]) + "".join(rng.choices("0123456789", k=2))
        body = rng.choice(starts) + year + "9"  # month 9x
        body += "".join(rng.choice("0123456789") for _ in range(17 - len(body)))
        card = body + luhn.calc_check_digit(body)
        if ric.calc_check_digit(card) != card[17]:
            cards.append(card)
    return cards


def test_cards_that_start_like_an_id_are_masked_as_cards():
    # (month 9x: no valid date; the ID check character fails)
    cards = _id_shaped_cards(random.Random(7), 50)
    found = detectors.detect_texts([f"卡号{c}" for c in cards])
    assert found == [("bank_card", c) for c in cards]


def test_stdnum_second_opinion_agrees_on_id_shaped_cards():
    cards = _id_shaped_cards(random.Random(8), 50)
    assert all(verify.is_bank_card(c) for c in cards)
    # mistyped ID numbers: the detector and stdnum agree on which are cards
    rng = random.Random(9)
    mistyped = [synthetic.bad_resident_id(rng) for _ in range(500)]
    cards = {v for k, v in detectors.detect_texts(mistyped) if k == "bank_card"}
    assert {v for v in mistyped if verify.is_bank_card(v)} == cards


def test_bare_names_are_checked_against_the_word_dictionary():
    """The dictionary holds jieba's words starting like a surname and the
    search's government terms; a rare personal name in jieba's dictionary
    stays a name."""
    words = set(detectors.common_words().to_list())
    assert {"林业", "全市", "明天", "张贴", "万州区"} <= words
    assert "王小明" not in words
    assert kinds("王小明于今日到窗口办理业务") == [("name", "王小明于")]


def test_translations_hold_no_names():
    """The portal's own Chinese text (every zh_Hans_CN translation: CKAN's,
    the extensions') names no person: nothing is taken for a name or an
    address there."""
    from pathlib import Path

    import ckanext.cqgov

    root = Path(ckanext.cqgov.__file__).parent / "translation" / "zh_Hans_CN"
    texts = []
    for po in sorted(root.glob("*.po")):
        for line in po.read_text(encoding="utf-8").splitlines():
            if line.startswith('msgstr "') and len(line) > 9:
                texts.append(line[8:-1])
    assert len(texts) > 1000
    found = [
        (kind, value)
        for kind, value in detectors.detect_texts(texts)
        if kind in ("name", "address")
    ]
    assert found == []
