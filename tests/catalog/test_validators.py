"""The catalog rules through CKAN's package and organization actions."""

from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

GOOD_USCC = "91350100M000100Y43"
NAMED = {"name": "own-entry", "title": "本部门条目", "notes": "摘要"}


def act(action, **data):
    """Call an action as the site user (a sysadmin)."""
    site_user = helpers.call_action("get_site_user", context={"ignore_auth": True})
    return helpers.call_action(action, context={"user": site_user["name"]}, **data)


def member_of(org, role):
    """A new user with ``role`` in ``org``."""
    user = factories.User()
    act("organization_member_create", id=org["id"], username=user["name"], role=role)
    return user


#: The condition and basis texts blanked, so each rule starts from nothing.
NO_TEXTS = dict.fromkeys(
    ("share_condition", "share_basis", "open_condition", "open_basis"), ""
)


def create(catalog_fields, **changes):
    return factories.Dataset(**{**catalog_fields, **changes})


def errors_of(catalog_fields, **changes):
    with pytest.raises(helpers.logic.ValidationError) as raised:
        create(catalog_fields, **changes)
    return raised.value.error_dict


@pytest.fixture
def org():
    return factories.Organization(uscc=GOOD_USCC)


# (changes, the field that gets an error)
RULE_CASES = [
    ({"share_type": "conditional"}, "share_condition"),
    ({"share_type": "conditional", "share_condition": "c"}, "share_basis"),
    ({"share_type": "not_shared", "share_method": ""}, "share_basis"),
    (
        {
            "resource_category": "basic",
            "basic_type": "credit",
            "share_type": "conditional",
            "share_condition": "c",
            "share_basis": "b",
        },
        "share_type",
    ),
    (
        {
            "resource_category": "basic",
            "basic_type": "credit",
            "share_method": "offline",
        },
        "share_method",
    ),
    (
        {
            "resource_category": "thematic",
            "theme": "tax",
            "share_type": "not_shared",
            "share_basis": "b",
            "share_method": "",
        },
        "share_type",
    ),
    ({"open_type": "on_application", "open_basis": "b"}, "open_condition"),
    ({"open_type": "not_open"}, "open_basis"),
    ({"resource_category": "basic"}, "basic_type"),
    ({"format_subtype": "mysql"}, "format_subtype"),
    ({"data_items": []}, "data_items"),
    ({"resource_code": "206001-1"}, "resource_code"),
    ({"resource_code": "206001/000001"}, "resource_code"),  # class 2 ≠ departmental
    ({"related_codes": ["300001/999999"]}, "related_codes"),
    ({"region": "5001"}, "region"),
    ({"share_type": "shared"}, "share_type"),
    ({"catalog_status": "bogus"}, "catalog_status"),
]


@pytest.mark.parametrize("changes, field", RULE_CASES)
def test_rule_errors_are_field_specific(org, catalog_fields, changes, field):
    errors = errors_of(catalog_fields, owner_org=org["id"], **{**NO_TEXTS, **changes})
    assert field in errors, errors


def test_messages_name_the_rule(org, catalog_fields, app):
    user = factories.Sysadmin()
    body = {
        **catalog_fields,
        "owner_org": org["id"],
        "share_type": "conditional",
        "share_condition": "c",
        "share_basis": "",
        "name": "x-lang",
        "title": "t",
    }
    resp = app.post(
        "/en/api/3/action/package_create",
        json=body,
        headers={"Authorization": factories.APIToken(user=user["name"])["token"]},
        status=409,
    )
    assert resp.json["error"]["share_basis"] == [
        "Conditional sharing needs a legal or policy basis (Art. 15(1))."
    ]


def test_valid_entry_gets_code_provider_code_and_draft(org, catalog_fields):
    user = member_of(org, "editor")
    entry = helpers.call_action(
        "package_create",
        context={"user": user["name"], "ignore_auth": False},
        **{**catalog_fields, **NAMED, "owner_org": org["id"]},
    )
    assert entry["resource_code"] == "300001/000001"
    assert entry["provider_code"] == GOOD_USCC
    assert entry["catalog_status"] == "draft"
    second = create(catalog_fields, owner_org=org["id"])
    assert second["resource_code"] == "300001/000002"


def test_generated_code_follows_basic_type_and_theme(org, catalog_fields):
    basic = create(
        catalog_fields,
        owner_org=org["id"],
        resource_category="basic",
        basic_type="credit",
    )
    thematic = create(
        catalog_fields,
        owner_org=org["id"],
        resource_category="thematic",
        theme="traffic",
    )
    assert basic["resource_code"] == "105001/000001"
    assert thematic["resource_code"] == "206001/000001"


def test_code_unique_catalog_wide_but_an_entry_keeps_its_own(org, catalog_fields):
    first = create(catalog_fields, owner_org=org["id"], resource_code="300009/000001")
    other_org = factories.Organization()
    errors = errors_of(
        catalog_fields, owner_org=other_org["id"], resource_code="300009/000001"
    )
    assert "resource_code" in errors
    updated = act("package_patch", id=first["id"], title="改名")
    assert updated["resource_code"] == "300009/000001"
    act("package_delete", id=first["id"])
    again = create(catalog_fields, owner_org=org["id"], resource_code="300009/000001")
    assert again["resource_code"] == "300009/000001"


def test_related_codes_must_exist(org, catalog_fields):
    first = create(catalog_fields, owner_org=org["id"])
    second = create(
        catalog_fields, owner_org=org["id"], related_codes=[first["resource_code"]]
    )
    assert second["related_codes"] == [first["resource_code"]]
    errors = errors_of(
        catalog_fields,
        owner_org=org["id"],
        resource_code="300001/000050",
        related_codes=["300001/000050"],
    )
    assert "related_codes" in errors


def test_provider_code_cannot_be_set(org, catalog_fields):
    entry = create(catalog_fields, owner_org=org["id"], provider_code="X")
    assert entry["provider_code"] == GOOD_USCC
    extras = model.Session.query(model.PackageExtra).filter_by(
        package_id=entry["id"], key="provider_code"
    )
    assert extras.count() == 0


def test_publisher_cannot_forge_the_status(org, catalog_fields):
    user = member_of(org, "admin")
    context = {"user": user["name"], "ignore_auth": False}
    with pytest.raises(helpers.logic.ValidationError) as raised:
        helpers.call_action(
            "package_create",
            context=context,
            **{
                **catalog_fields,
                **NAMED,
                "owner_org": org["id"],
                "catalog_status": "approved",
            },
        )
    assert "catalog_status" in raised.value.error_dict
    entry = helpers.call_action(
        "package_create",
        context=dict(context),
        **{**catalog_fields, **NAMED, "owner_org": org["id"]},
    )
    with pytest.raises(helpers.logic.ValidationError):
        helpers.call_action(
            "package_patch",
            context=dict(context),
            id=entry["id"],
            catalog_status="approved",
        )
    # Sending the stored status back (as a form or package_patch does) is fine.
    same = helpers.call_action(
        "package_patch",
        context=dict(context),
        id=entry["id"],
        catalog_status="draft",
        title="新名称",
    )
    assert same["catalog_status"] == "draft"


def test_approved_entry_changed_goes_back_to_draft(catalog_fields, dataset_factory):
    entry = dataset_factory()
    assert entry["catalog_status"] == "approved"
    # A data change (a new resource) keeps it published.
    act("resource_create", package_id=entry["id"], url="http://example.com/a.csv")
    assert act("package_show", id=entry["id"])["catalog_status"] == "approved"
    changed = act("package_patch", id=entry["id"], notes="新的摘要")
    assert changed["catalog_status"] == "draft"


@pytest.mark.parametrize(
    "items, audience",
    [
        ([{"name": "a", "data_type": "I", "sensitive_category": "none"}], "open"),
        (
            [
                {"name": "a", "data_type": "I", "sensitive_category": "none"},
                {
                    "name": "b",
                    "data_type": "C",
                    "length": "18",
                    "sensitive_category": "id_number",
                },
            ],
            "share",
        ),
    ],
)
def test_resource_audience_default(org, catalog_fields, items, audience):
    entry = create(catalog_fields, owner_org=org["id"], data_items=items)
    res = act("resource_create", package_id=entry["id"], url="http://example.com/a.csv")
    assert res["audience"] == audience
    explicit = act(
        "resource_create",
        package_id=entry["id"],
        url="http://example.com/b.csv",
        audience="share",
    )
    assert explicit["audience"] == "share"


# --- organizations -------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"uscc": "91350100M000100Y44"}, "uscc"),
        ({"uscc": "123"}, "uscc"),
        ({"level": "district"}, "parent_district"),
        ({"level": "municipal", "parent_district": "500103"}, "parent_district"),
        ({"region": "50"}, "region"),
        ({"org_kind": "company"}, "org_kind"),
    ],
)
def test_organization_rules(fields, field):
    with pytest.raises(helpers.logic.ValidationError) as raised:
        factories.Organization(name="dept-x", title="部门", **fields)
    assert field in raised.value.error_dict


def test_organization_uscc_unique_and_district_default():
    factories.Organization(name="dept-a", uscc=GOOD_USCC)
    with pytest.raises(helpers.logic.ValidationError) as raised:
        factories.Organization(name="dept-b", uscc=GOOD_USCC)
    assert "uscc" in raised.value.error_dict
    org = factories.Organization(name="dept-c", level="district", region="500103")
    assert org["parent_district"] == "500103"
    # Updating keeps its own code.
    act("organization_patch", id="dept-a", description="简介")
    same = act("organization_show", id="dept-a")
    assert same["uscc"] == GOOD_USCC
