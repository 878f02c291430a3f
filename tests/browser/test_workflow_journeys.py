"""Browser journeys of the workflow on a real portal:

1. a department user applies for conditional data, the provider approves, the
   applicant downloads;
2. a citizen reports an error in open data, the provider answers, the citizen
   sees the answer.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import requests
from catalog_defaults import CATALOG_DEFAULTS

CSV = "统一社会信用代码,名称\n91500000000000000X,测试企业\n".encode()


def wait_for_mail(portal, address, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        mails = portal.mail.sent_to(address)
        if mails:
            return mails
        time.sleep(0.5)
    raise AssertionError(f"no mail to {address} within {seconds}s")


def make_entry(portal, unique_name, owner_org, audience, **fields):
    name = unique_name("wf")
    portal.call(
        "package_create",
        **{
            **CATALOG_DEFAULTS,
            "name": name,
            "title": f"工作流测试目录 {name}",
            "notes": "工作流测试用的目录条目",
            "owner_org": owner_org,
            # created by the sysadmin: published at once
            "catalog_status": "approved",
            **fields,
        },
    )
    response = requests.post(
        portal.url("/api/3/action/resource_create"),
        headers={"Authorization": portal.token},
        data={"package_id": name, "name": "登记表", "audience": audience},
        files={"upload": ("register.csv", CSV, "text/csv")},
        timeout=30,
    )
    response.raise_for_status()
    return portal.call("package_show", id=name)


def submit(page, form_selector):
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def test_department_applies_provider_approves_applicant_downloads(
    portal, make_user, make_organization, new_page, unique_name
):
    provider = make_organization()
    applicant_org = make_organization()
    editor = make_user(org=provider["name"], role="editor")
    applicant = make_user(org=applicant_org["name"], role="member")
    entry = make_entry(
        portal,
        unique_name,
        provider["id"],
        "share",
        share_type="conditional",
        share_condition="仅用于行政审批",
        open_type="not_open",
        open_basis="涉及商业秘密",
    )

    page = new_page(applicant)
    page.goto(f"/dataset/{entry['name']}")
    page.locator(".cqgov-entry-actions a[href$='/apply']").click()
    page.wait_for_load_state()
    page.fill("#field-purpose", "核验申请人的企业登记信息")
    page.fill("#field-period_from", (date.today() + timedelta(days=1)).isoformat())
    page.fill("#field-period_until", (date.today() + timedelta(days=200)).isoformat())
    page.fill("#field-legal_basis", "《行政许可法》规定的审查职责")
    submit(page, "form.cqgov-apply-form")
    assert page.locator(".cqgov-item[data-status=submitted]").count() == 1
    item_path = page.url.split(portal.site, 1)[1]
    notice = wait_for_mail(portal, editor.email)
    assert entry["title"] in notice[0]["Subject"]

    provider_page = new_page(editor)
    provider_page.goto("/workflow/to-answer")
    provider_page.locator(f"a[href='{item_path}']").click()
    provider_page.wait_for_load_state()
    approve = "form[data-action=approve]"
    provider_page.fill(f"{approve} [name=terms]", "仅用于行政审批，不得向第三方提供")
    provider_page.fill(f"{approve} [name=valid_from]", date.today().isoformat())
    provider_page.fill(
        f"{approve} [name=valid_until]",
        (date.today() + timedelta(days=365)).isoformat(),
    )
    submit(provider_page, approve)
    assert provider_page.locator(".cqgov-item[data-status=approved]").count() == 1
    wait_for_mail(portal, applicant.email)

    page.goto(item_path)
    assert page.locator(".cqgov-item[data-status=approved]").count() == 1
    assert "不得向第三方提供" in page.locator(".cqgov-answer").inner_text()
    download = page.request.get(entry["resources"][0]["url"])
    assert download.status == 200
    assert download.body() == CSV


def test_citizen_reports_an_error_provider_answers_citizen_sees_it(
    portal, make_user, make_organization, new_page, unique_name
):
    provider = make_organization()
    editor = make_user(org=provider["name"], role="editor")
    citizen = make_user()
    entry = make_entry(
        portal,
        unique_name,
        provider["id"],
        "open",
        share_type="unconditional",
        open_type="proactive",
    )

    page = new_page(citizen)
    page.goto(f"/dataset/{entry['name']}")
    page.locator(".cqgov-entry-actions a[href$='/report-error']").click()
    page.wait_for_load_state()
    page.select_option("#field-resource_id", entry["resources"][0]["id"])
    page.fill("#field-data_item", "名称")
    page.fill("#field-row", "第1行")
    page.fill("#field-description", "企业名称与营业执照不一致")
    submit(page, "form.cqgov-error-form")
    assert page.locator(".cqgov-item[data-status=submitted]").count() == 1
    item_path = page.url.split(portal.site, 1)[1]
    wait_for_mail(portal, editor.email)

    provider_page = new_page(editor)
    provider_page.goto("/workflow/to-answer")
    provider_page.locator(f"a[href='{item_path}']").click()
    provider_page.wait_for_load_state()
    verify = "form[data-action=verify]"
    provider_page.fill(f"{verify} [name=explanation]", "经与登记系统核对，名称无误")
    submit(provider_page, verify)
    assert (
        provider_page.locator(".cqgov-item[data-status=verified_correct]").count() == 1
    )

    wait_for_mail(portal, citizen.email)
    page.goto(item_path)
    assert page.locator(".cqgov-item[data-status=verified_correct]").count() == 1
    assert "经与登记系统核对，名称无误" in page.locator(".cqgov-answer").inner_text()
