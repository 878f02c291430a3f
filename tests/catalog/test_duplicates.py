"""一数一源 duplicate detection (pure core)."""

from __future__ import annotations

import pytest

from ckanext.cqgov.catalog.duplicates import Fingerprint, find_duplicates, normalize

ITEMS = [{"name": n} for n in ("停车场名称", "地址", "泊位总数", "收费标准")]


def fp(id, org, title, items=ITEMS):
    return Fingerprint.of(id, org, title, items)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("重庆市公共停车场信息", "公共停车场"),
        ("公共停车场 数据（２０２６）", "公共停车场2026"),
        ("ABC-信息资源", "abc"),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "other, found",
    [
        (fp("b", "org-b", "重庆市公共停车场信息"), True),
        (fp("b", "org-b", "公共停车场数据"), True),  # noise words differ
        (fp("b", "org-a", "重庆市公共停车场信息"), False),  # same department
        (fp("b", "org-b", "重庆市中小学校名录"), False),  # other title
        (
            fp("b", "org-b", "重庆市公共停车场信息", [{"name": "学校名称"}]),
            False,
        ),  # other data items
        (fp("a", "org-b", "重庆市公共停车场信息"), False),  # the entry itself
    ],
)
def test_find_duplicates(other, found):
    entry = fp("a", "org-a", "重庆市公共停车场信息")
    result = find_duplicates(entry, [other])
    assert bool(result) is found
    if found:
        assert result[0].id == "b"
        assert result[0].title_similarity >= 0.6


def test_most_similar_first():
    entry = fp("a", "org-a", "公共停车场")
    close = fp("c", "org-c", "公共停车场")
    near = fp("b", "org-b", "公共停车场信息表", ITEMS[:3])
    assert [d.id for d in find_duplicates(entry, [near, close])] == ["c", "b"]
