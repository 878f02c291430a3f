"""The generated demo catalog, checked without CKAN."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from ckanext.cqgov.catalog.uscc import (
    USCC_ALPHABET,
    is_valid_uscc,
    make_uscc,
    org_code_check_character,
    uscc_check_character,
)
from ckanext.cqgov.demo.catalog import DEFAULT_SEED, build_catalog

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def catalog():
    return build_catalog()


@pytest.fixture(scope="module")
def dataset_schema():
    return yaml.safe_load((SCHEMAS / "dataset.yaml").read_text(encoding="utf-8"))


def _choices(schema, field_name):
    field = next(f for f in schema["dataset_fields"] if f["field_name"] == field_name)
    return {choice["value"] for choice in field["choices"]}


def _required(schema):
    return {f["field_name"] for f in schema["dataset_fields"] if f.get("required")}


# --- USCC (GB 32100) --------------------------------------------------------


def _reference_check_character(first17: str) -> str:
    """The standard's formula written out: weights 3**(i-1) mod 31."""
    total = sum(
        USCC_ALPHABET.index(char) * pow(3, i, 31) for i, char in enumerate(first17)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the worked example of GB 32100-2015
        "11500000MB124906XX",
        "91500107MACEK743XA",
    ],
)
def test_known_valid_codes(code):
    assert uscc_check_character(code[:17]) == code[17]
    assert _reference_check_character(code[:17]) == code[17]
    assert is_valid_uscc(code)


def test_check_character_zero_when_sum_is_a_multiple_of_31():
    # "0" * 17 sums to 0: 31 - 0 = 31, which the standard maps to "0".
    assert uscc_check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # too short
        "91350100M000100YI3",  # I is not in the alphabet
        "",
    ],
)
def test_invalid_codes(code):
    assert not is_valid_uscc(code)


def test_synthetic_codes_match_the_reference_formula():
    for n in range(200):
        body = f"MB{n * 7919 % 10**6:06d}"
        code = make_uscc("1", "1", "500000", body)
        assert code[17] == _reference_check_character(code[:17])


def test_organization_code_check_character():
    # GB 11714 examples: D2143569-X and the organization part of the GB 32100 one.
    assert org_code_check_character("D2143569") == "X"
    assert org_code_check_character("M000100Y") == "4"


def test_organizations_have_valid_unique_codes(catalog):
    codes = [org.uscc for org in catalog.organizations]
    assert len(set(codes)) == len(codes)
    for org in catalog.organizations:
        assert is_valid_uscc(org.uscc), org.name
        assert org.uscc[2:8] == org.region
        assert org_code_check_character(org.uscc[8:16]) == org.uscc[16]


# --- organizations ----------------------------------------------------------


def test_municipal_competent_department(catalog):
    competent = [
        o for o in catalog.organizations if o.is_competent and o.level == "municipal"
    ]
    assert [o.title for o in competent] == ["重庆市发展和改革委员会"]
    assert competent[0].org_kind == "government"
    assert competent[0].region == "500000"


def test_at_least_ten_municipal_departments(catalog):
    municipal = [
        o
        for o in catalog.organizations
        if o.level == "municipal" and not o.is_competent
    ]
    assert len(municipal) >= 10
    assert all(o.region == "500000" for o in municipal)
    assert {o.org_kind for o in municipal} == {
        "government",
        "institution",
        "public_enterprise",
    }


def test_districts_each_have_one_competent_department(catalog):
    district = [o for o in catalog.organizations if o.level == "district"]
    regions = Counter(o.region for o in district)
    assert 2 <= len(regions) <= 3
    for region, count in regions.items():
        assert re.fullmatch(r"5001\d\d", region)
        competent = [o for o in district if o.region == region and o.is_competent]
        assert len(competent) == 1
        assert competent[0].title.endswith("发展和改革委员会")
        assert count >= 3


def test_organization_names_and_texts(catalog):
    names = [o.name for o in catalog.organizations]
    assert len(set(names)) == len(names)
    for org in catalog.organizations:
        assert NAME.match(org.name)
        assert org.title.startswith("重庆")
        assert CJK.search(org.description)
        assert org.org_kind in {"government", "institution", "public_enterprise"}


# --- datasets ---------------------------------------------------------------


def test_at_least_sixty_datasets_with_unique_names(catalog):
    names = [d.name for d in catalog.datasets]
    assert len(names) >= 60
    assert len(set(names)) == len(names)
    assert all(NAME.match(name) for name in names)


def test_datasets_spread_over_departments(catalog):
    owners = {d.owner_org for d in catalog.datasets}
    assert owners <= {o.name for o in catalog.organizations}
    municipal = {o.name for o in catalog.organizations if o.level == "municipal"}
    assert len(owners & municipal) >= 10
    districts = {catalog.organization(name).region for name in owners - municipal}
    assert len(districts) >= 2
    titles = {d.title for d in catalog.datasets}
    assert "渝中区停车场信息" in titles


def test_every_dataset_is_valid(catalog, dataset_schema):
    required = _required(dataset_schema)
    choices = {
        key: _choices(dataset_schema, key)
        for key in ("resource_category", "share_type", "open_type", "update_cycle")
    }
    for dataset in catalog.datasets:
        data = dataset.as_dict()
        assert required <= {k for k, v in data.items() if v}, dataset.name
        for key, allowed in choices.items():
            assert data[key] in allowed, (dataset.name, key)
        assert data["private"] is False
        assert dt.date.fromisoformat(data["release_date"])
        assert data["license_id"]
        assert CJK.search(dataset.title) and CJK.search(dataset.notes)
        assert len(dataset.tags) >= 2 and any(CJK.search(t) for t in dataset.tags)
        _check_share_and_open_rules(data)


#: The condition and basis texts each share / open type requires; the other
#: texts of the same kind must be absent.
REQUIRED_TEXTS = {
    "share_type": {
        "unconditional": (),
        "conditional": ("share_condition", "share_basis"),
        "not_shared": ("share_basis",),
    },
    "open_type": {
        "proactive": (),
        "on_application": ("open_condition", "open_basis"),
        "not_open": ("open_basis",),
    },
}
TEXTS = {
    "share_type": {"share_condition", "share_basis"},
    "open_type": {"open_condition", "open_basis"},
}


def _check_share_and_open_rules(data):
    name = data["name"]
    for key, rules in REQUIRED_TEXTS.items():
        required = set(rules[data[key]])
        assert all(data.get(text) for text in required), (name, key)
        assert not (TEXTS[key] - required) & data.keys(), (name, key)
    share = data["share_type"]
    # Art. 15: base resources are shared unconditionally; themes are shared.
    if data["resource_category"] == "basic":
        assert share == "unconditional", name
    if data["resource_category"] == "thematic":
        assert share != "not_shared", name


def test_every_controlled_value_is_used(catalog, dataset_schema):
    for key in ("resource_category", "share_type", "open_type", "update_cycle"):
        used = {getattr(d, key) for d in catalog.datasets}
        assert used == _choices(dataset_schema, key), key


# --- resources --------------------------------------------------------------


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_resources_are_csv_files(catalog, dataset_schema):
    audiences = {
        choice["value"]
        for field in dataset_schema["resource_fields"]
        if field["field_name"] == "audience"
        for choice in field["choices"]
    }
    for dataset in catalog.datasets:
        assert 1 <= len(dataset.resources) <= 2, dataset.name
        names = [r.name for r in dataset.resources]
        assert len(set(names)) == len(names)
        expected = "open" if dataset.open_type != "not_open" else "share"
        for resource in dataset.resources:
            assert resource.format == "CSV"
            assert resource.filename.endswith(".csv")
            assert resource.name and resource.description
            assert resource.audience == expected and resource.audience in audiences
            header, *rows = _rows(resource.content)
            assert all(CJK.search(column) or column.isupper() for column in header)
            assert 20 <= len(rows) <= 200, resource.name
            assert all(len(row) == len(header) for row in rows)


def test_csv_codes_and_phones_are_synthetic(catalog):
    for dataset in catalog.datasets:
        for resource in dataset.resources:
            header, *rows = _rows(resource.content)
            for index, column in enumerate(header):
                values = [row[index] for row in rows]
                if column.endswith("统一社会信用代码"):
                    assert all(is_valid_uscc(v) for v in values), resource.name
                if "电话" in column:
                    assert all(v.startswith("023-0000") for v in values)


def test_district_tables_stay_in_their_district(catalog):
    for dataset in catalog.datasets:
        org = catalog.organization(dataset.owner_org)
        if org.level != "district":
            continue
        district = re.match(r"重庆市(.+?区)", org.title).group(1)
        header, *rows = _rows(dataset.resources[0].content)
        for column in ("所在区", "区县"):
            if column in header:
                index = header.index(column)
                assert {row[index] for row in rows} == {district}, dataset.name


# --- determinism ------------------------------------------------------------


def test_same_seed_same_catalog(catalog):
    assert build_catalog(DEFAULT_SEED) == catalog


def test_other_seed_same_structure_other_content(catalog):
    other = build_catalog(DEFAULT_SEED + 1)
    assert [d.name for d in other.datasets] == [d.name for d in catalog.datasets]
    assert [o.name for o in other.organizations] == [
        o.name for o in catalog.organizations
    ]
    assert other.datasets[0].resources[0].content != (
        catalog.datasets[0].resources[0].content
    )


def test_entries_in_every_review_state(catalog, dataset_schema):
    used = Counter(d.catalog_status for d in catalog.datasets)
    assert set(used) == _choices(dataset_schema, "catalog_status")


# Fields the demo leaves out: computed ones, and the related codes (resource
# codes are generated when the entries are loaded, so the demo cannot name them).
NOT_IN_DEMO = {
    "provider_code",
    "duplicate_candidates",
    "related_codes",
    "resource_code",
}


def test_the_demo_uses_the_full_schema(catalog, dataset_schema):
    fields = {f["field_name"] for f in dataset_schema["dataset_fields"]}
    used = set()
    for dataset in catalog.datasets:
        used.update(k for k, v in dataset.as_dict().items() if v not in ("", [], None))
    used.update({"tag_string", "catalog_status"} & fields)  # tags, review states
    missing = fields - used - NOT_IN_DEMO - {"name", "title"}
    assert missing == set()
    item_fields = {
        f["field_name"]
        for f in next(
            f
            for f in dataset_schema["dataset_fields"]
            if f["field_name"] == "data_items"
        )["repeating_subfields"]
    }
    used_items = {
        k for d in catalog.datasets for i in d.data_items for k, v in i.items() if v
    }
    assert item_fields <= used_items
