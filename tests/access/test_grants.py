"""Grant actions: create, revoke, list — validation, authorization, visibility."""

from __future__ import annotations

import datetime as dt

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.cqgov.access.grants import parse_moment, record_expired_grants
from ckanext.cqgov.access.model import Grant

pytestmark = pytest.mark.usefixtures("clean_db")

FUTURE = (dt.date.today() + dt.timedelta(days=365)).isoformat()


def _org(**kw):
    return factories.Organization(org_kind="government", **kw)


def _ctx(user):
    return {"user": user["name"], "ignore_auth": False}


@pytest.fixture
def world(dataset_factory):
    provider_admin = factories.User()
    provider_editor = factories.User()
    provider_member = factories.User()
    provider = _org(
        users=[
            {"name": provider_admin["name"], "capacity": "admin"},
            {"name": provider_editor["name"], "capacity": "editor"},
            {"name": provider_member["name"], "capacity": "member"},
        ],
        level="district",
        region="500103",
    )
    other_user = factories.User()
    other = _org(users=[{"name": other_user["name"], "capacity": "admin"}])
    competent_user = factories.User()
    competent = _org(
        users=[{"name": competent_user["name"], "capacity": "editor"}],
        level="municipal",
        is_competent=True,
    )
    district_competent_user = factories.User()
    _org(
        users=[{"name": district_competent_user["name"], "capacity": "admin"}],
        level="district",
        region="500199",
        is_competent=True,
    )
    citizen = factories.User()
    enterprise = factories.Organization(org_kind="public_enterprise")
    company = factories.Organization()
    dataset = dataset_factory(
        owner_org=provider["id"], share_type="conditional", open_type="on_application"
    )
    return {
        "provider": provider,
        "provider_admin": provider_admin,
        "provider_editor": provider_editor,
        "provider_member": provider_member,
        "other": other,
        "other_user": other_user,
        "competent": competent,
        "competent_user": competent_user,
        "district_competent_user": district_competent_user,
        "citizen": citizen,
        "enterprise": enterprise,
        "company": company,
        "dataset": dataset,
    }


def _create(w, user_key="provider_admin", **kw):
    data = {
        "package_id": w["dataset"]["id"],
        "kind": "share",
        "grantee_id": w["other"]["id"],
        "purpose": "联合审批",
        "valid_until": FUTURE,
    }
    data.update(kw)
    return helpers.call_action("cqgov_grant_create", _ctx(w[user_key]), **data)


@pytest.mark.parametrize(
    "user_key", ["provider_admin", "provider_editor", "competent_user"]
)
def test_managers_create_share_grants(world, user_key):
    grant = _create(world, user_key)
    assert grant["status"] == "valid"
    assert grant["grantee_id"] == world["other"]["id"]
    assert grant["owner_org"] == world["provider"]["id"]
    assert grant["granted_by"] == world[user_key]["id"]
    assert grant["valid_until"].startswith(FUTURE + "T23:59:59")


@pytest.mark.parametrize(
    "user_key",
    ["provider_member", "other_user", "citizen", "district_competent_user"],
)
def test_others_cannot_create_grants(world, user_key):
    with pytest.raises(tk.NotAuthorized):
        _create(world, user_key)


def test_open_grant_is_held_by_a_user(world):
    grant = _create(world, kind="open", grantee_id=world["citizen"]["name"])
    assert grant["grantee_id"] == world["citizen"]["id"]
    assert grant["kind"] == "open"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"kind": "loan"}, "kind"),
        ({"purpose": "  "}, "purpose"),
        ({"valid_until": ""}, "valid_until"),
        ({"valid_until": "not a date"}, "valid_until"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
        ({"valid_from": "2099-01-02", "valid_until": "2099-01-01"}, "valid_until"),
        ({"grantee_id": "no-such-org"}, "grantee_id"),
        ({"kind": "open", "grantee_id": "no-such-user"}, "grantee_id"),
    ],
)
def test_bad_grants_are_refused_per_field(world, fields, bad):
    with pytest.raises(tk.ValidationError) as err:
        _create(world, **fields)
    assert bad in err.value.error_dict
    assert (
        helpers.call_action("cqgov_grant_list", _ctx(world["provider_admin"]))["count"]
        == 0
    )


def test_share_grants_are_for_government_organizations(world):
    with pytest.raises(tk.ValidationError) as err:
        _create(world, grantee_id=world["company"]["id"])
    assert "grantee_id" in err.value.error_dict
    assert _create(world, grantee_id=world["enterprise"]["id"])["status"] == "valid"


def test_grant_kind_must_match_the_entry(world, dataset_factory):
    unconditional = dataset_factory(
        owner_org=world["provider"]["id"], share_type="unconditional"
    )
    with pytest.raises(tk.ValidationError) as err:
        _create(world, package_id=unconditional["id"])
    assert "kind" in err.value.error_dict


def test_unknown_entry_is_not_found(world):
    with pytest.raises(tk.ObjectNotFound):
        _create(world, package_id="nope")


def test_internal_call_names_the_granter_and_application(world):
    grant = helpers.call_action(
        "cqgov_grant_create",
        {"ignore_auth": True, "user": ""},
        package_id=world["dataset"]["id"],
        kind="share",
        grantee_id=world["other"]["id"],
        purpose="p",
        valid_until=FUTURE,
        application_id="app-1",
        granted_by=world["provider_editor"]["name"],
    )
    assert grant["application_id"] == "app-1"
    assert grant["granted_by"] == world["provider_editor"]["id"]


def test_granted_by_is_the_caller_for_api_calls(world):
    grant = _create(world, granted_by=world["provider_editor"]["name"])
    assert grant["granted_by"] == world["provider_admin"]["id"]


def test_revoke(world):
    grant = _create(world)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action(
            "cqgov_grant_revoke", _ctx(world["other_user"]), id=grant["id"], reason="x"
        )
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action(
            "cqgov_grant_revoke", _ctx(world["provider_admin"]), id=grant["id"]
        )
    assert "reason" in err.value.error_dict
    revoked = helpers.call_action(
        "cqgov_grant_revoke",
        _ctx(world["competent_user"]),
        id=grant["id"],
        reason="用途已结束",
    )
    assert revoked["status"] == "revoked"
    assert revoked["revoked_by"] == world["competent_user"]["id"]
    assert revoked["revoke_reason"] == "用途已结束"
    with pytest.raises(tk.ValidationError):
        helpers.call_action(
            "cqgov_grant_revoke",
            _ctx(world["provider_admin"]),
            id=grant["id"],
            reason="x",
        )
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action(
            "cqgov_grant_revoke", _ctx(world["provider_admin"]), id="nope", reason="x"
        )


def test_list_visibility_and_filters(world):
    share = _create(world)
    opened = _create(world, kind="open", grantee_id=world["citizen"]["id"])

    def ids(user_key, **filters):
        result = helpers.call_action(
            "cqgov_grant_list", _ctx(world[user_key]), **filters
        )
        assert result["count"] == len(result["results"])
        return {g["id"] for g in result["results"]}

    both = {share["id"], opened["id"]}
    assert ids("provider_member") == both
    assert ids("competent_user") == both
    assert ids("other_user") == {share["id"]}
    assert ids("citizen") == {opened["id"]}
    assert ids("district_competent_user") == set()
    assert ids("provider_admin", kind="open") == {opened["id"]}
    assert ids("provider_admin", grantee_id=world["other"]["id"]) == {share["id"]}
    assert ids("provider_admin", package_id=world["dataset"]["name"]) == both
    assert ids("provider_admin", status="valid") == both
    assert ids("provider_admin", status="expired") == set()
    with pytest.raises(tk.ValidationError):
        ids("provider_admin", status="maybe")
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("cqgov_grant_list", {"user": "", "ignore_auth": False})


def test_expiry_is_recorded_once(world):
    from ckan import model

    grant = _create(world)
    row = model.Session.get(Grant, grant["id"])
    row.valid_from = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    row.valid_until = dt.datetime(2020, 12, 31, tzinfo=dt.timezone.utc)
    model.Session.commit()
    assert record_expired_grants() == 1
    assert record_expired_grants() == 0
    listed = helpers.call_action(
        "cqgov_grant_list", _ctx(world["provider_admin"]), status="expired"
    )["results"]
    assert [g["id"] for g in listed] == [grant["id"]]
    assert listed[0]["expiry_recorded_at"]


def test_parse_moment_local_time():
    moment = parse_moment("2027-06-30", end_of_day=True)
    assert moment.utcoffset() == dt.timedelta(hours=8)
    assert (moment.hour, moment.minute) == (23, 59)
    assert parse_moment("2027-06-30T08:00:00Z").utcoffset() == dt.timedelta(0)
    with pytest.raises(ValueError):
        parse_moment("30/06/2027")
