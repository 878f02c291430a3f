"""Operators: mask, pseudonym, generalize, suppress, replace; policy parsing."""

from __future__ import annotations

import polars as pl
import pytest

from ckanext.cqgov.desensitize import operators


def run(values, category, spec, secret=b"k1"):
    frame = pl.DataFrame({"v": values}, schema={"v": pl.Utf8})
    op = operators.parse_operator(category, spec)
    return operators.apply(frame, "v", category, op, secret)["v"].to_list()


def test_mask_keeps_first_and_last():
    assert run(["13812345678", None], "mobile", "mask:3:4") == ["138****5678", None]
    assert run(["110105194912310021"], "resident_id", "mask:6:4") == [
        "110105********0021"
    ]
    assert run(["张三", "欧阳明月"], "name", "mask:1:0") == ["张*", "欧***"]
    # shorter than what is kept: everything is starred
    assert run(["123"], "mobile", "mask:3:4") == ["***"]


def test_pseudonym_is_keyed_and_stable():
    first = run(["13812345678", "13812345678", "13900000000"], "mobile", "pseudonym")
    again = run(["13812345678"], "mobile", "pseudonym")
    other_key = run(["13812345678"], "mobile", "pseudonym", secret=b"k2")
    assert first[0] == first[1] == again[0]
    assert first[0] != first[2]
    assert other_key[0] != first[0]
    assert first[0].startswith("MOBILE-") and not any(c.isdigit() for c in first[0])


@pytest.mark.parametrize(
    ("category", "spec", "value", "expected"),
    [
        ("address", "generalize", "重庆市渝中区解放碑路88号3栋", "重庆市渝中区"),
        ("address", "generalize", "某地", "*"),
        ("birth_date", "generalize", "1990-03-07", "1990"),
        ("birth_date", "generalize", "1990年3月7日", "1990"),
        ("age", "generalize", "37", "30-39"),
        ("age", "generalize:5", "37", "35-39"),
        ("coordinates", "generalize:2", "106.551556,29.563009", "106.55,29.56"),
        ("coordinates", "generalize:3", "106.551556", "106.551"),
        ("ipv4", "generalize", "192.168.10.20", "192.168.*.*"),
        ("ipv6", "generalize", "2001:db8:1:2::1", "2001:db8:1:*"),
        # compressed early: never "2001:db8::*" (2001:db8:: is an address)
        ("ipv6", "generalize", "2001:db8::1", "2001:db8:*"),
        ("ipv6", "generalize", "fe80::1ff:fe23:4567:890a", "fe80:*"),
        ("ipv6", "generalize", "::1", ":*"),
    ],
)
def test_generalize(category, spec, value, expected):
    assert run([value], category, spec) == [expected]


def test_replace_and_suppress():
    assert run(["张三"], "name", "replace") == ["[name]"]
    assert run(["张三"], "name", "replace:某人") == ["某人"]
    assert run(["张三", None], "name", "suppress") == ["", None]


@pytest.mark.parametrize(
    "spec",
    ["nope", "name=mask:x", "name=mask:1:2:3", "name=generalize", "bad", "=mask"],
)
def test_policy_errors(spec):
    with pytest.raises(operators.PolicyError):
        operators.parse_policy(spec)


def test_policy_overrides_defaults():
    policy = operators.parse_policy("mobile=pseudonym name=replace:某")
    assert policy["mobile"].name == "pseudonym"
    assert policy["name"].text == "某"
    assert policy["resident_id"].describe() == "mask:6:4"


def test_options_from_settings():
    from ckanext.cqgov.desensitize import engine

    options = engine.options_from_settings("mobile=pseudonym", "s3cret", 5, 2)
    assert options.secret == b"s3cret" and options.k_min == 5
    assert options.chunk_bytes == 2 * 1024 * 1024
    with pytest.raises(operators.PolicyError):
        engine.options_from_settings("mobile=pseudonym", "")
