"""The catalog's review workflow in the Chinese UI, on a real portal:

a publisher of a municipal department compiles an entry through the dataset
form, breaks a rule of the regulation and sees the error at the field, fixes
it, adds the data, submits the entry for review; the competent department
finds it in its review queue and approves (or returns it with a reason); the
approved entry is public. The edit form warns of 一数一源 duplicates.
"""

from __future__ import annotations

import re

from catalog_defaults import CATALOG_DEFAULTS

CSV = "停车场名称,泊位总数\n解放碑停车场,300\n".encode()
SHARE_CONDITION_ERROR = "有条件共享须填写共享条件（第十五条第一款）。"
SHARE_BASIS_ERROR = "有条件共享须提供法律、行政法规或政策依据（第十五条第一款）。"


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()
    page.wait_for_load_state()


def field_group(page, field_id: str):
    """The form group (label, control, error) of a field."""
    return page.locator(f".form-group:has(#{field_id})").first


def wait_for_modules(page) -> None:
    """CKAN's JavaScript modules are running (they need the page's
    translations first): the repeating data-item template is taken out."""
    page.wait_for_function(
        "() => !document.querySelector('div[name=repeating-template]')"
    )


def fill_entry_form(page, name: str, title: str) -> None:
    wait_for_modules(page)
    page.select_option("#field-resource_category", "departmental")
    page.fill("#field-title", title)
    page.locator(".slug-preview button").click()
    page.fill("#field-name", name)
    page.fill("#field-notes", "全市公共停车场的名称、位置和泊位数")
    page.select_option("#field-format_type", "spreadsheet")
    page.fill("#field-data_items-0-name", "停车场名称")
    page.select_option("#field-data_items-0-data_type", "C")
    page.fill("#field-data_items-0-length", "100")
    page.select_option("#field-data_items-0-sensitive_category", "none")
    page.select_option("#field-share_method", "platform_api")
    page.select_option("#field-open_type", "proactive")
    page.select_option("#field-update_cycle", "monthly")
    page.fill("#field-source_system", "停车管理业务系统")


def add_data_and_finish(page) -> None:
    """The form's second step: upload the data file, then finish."""
    assert "/resource/new" in page.url
    page.set_input_files(
        "#field-resource-upload",
        files=[{"name": "parking.csv", "mimeType": "text/csv", "buffer": CSV}],
    )
    page.fill("#field-name", "停车场名录")
    page.select_option("#field-audience", "open")
    click_and_wait(page, "form button[name=save][value=go-metadata]")


def review_status(page) -> str:
    return page.locator(".cqgov-catalog-status").inner_text().strip()


def queue_row(page, name: str):
    return page.locator(
        f"table.cqgov-review-queue tr:has(a[href='/dataset/{name}'])"
    ).first


def test_publisher_creates_entry_competent_department_approves(
    portal,
    make_user,
    make_organization,
    new_page,
    unique_name,
    english_ui_texts,
):
    department = make_organization(level="municipal")
    competent = make_organization(level="municipal", is_competent=True)
    publisher = make_user(org=department["name"], role="editor")
    reviewer = make_user(org=competent["name"], role="editor")
    name = unique_name("cat")
    title = f"公共停车场信息 {name}"

    # 1. The publisher fills the Chinese form with a rule-violating choice.
    page = new_page(publisher)
    page.goto(f"/dataset/new?owner_org={department['id']}")
    assert english_ui_texts(page) == []
    # Publication is decided by the review: a new entry is not "withdrawn".
    assert page.input_value("#field-private") == "False"
    fill_entry_form(page, name, title)
    page.select_option("#field-share_type", "conditional")
    page.fill("#field-share_condition", "")
    page.fill("#field-share_basis", "")
    click_and_wait(page, "form#dataset-edit button[name=save]")

    # 2. The error is shown in Chinese at the fields to fix; nothing was saved.
    assert "/dataset/new" in page.url
    condition = field_group(page, "field-share_condition")
    basis = field_group(page, "field-share_basis")
    assert SHARE_CONDITION_ERROR in condition.locator(".error-block").inner_text()
    assert SHARE_BASIS_ERROR in basis.locator(".error-block").inner_text()
    assert field_group(page, "field-share_type").locator(".error-block").count() == 0
    assert SHARE_CONDITION_ERROR in page.locator(".error-explanation").inner_text()
    assert portal.action("package_show", id=name).status_code == 404
    assert english_ui_texts(page) == []

    # 3. The publisher fixes it and saves; the form goes on to the data step.
    wait_for_modules(page)
    assert page.input_value("#field-title") == title  # the form kept the input
    page.fill("#field-share_condition", "仅用于停车管理相关的行政职责")
    page.fill("#field-share_basis", "《重庆市停车场管理办法》")
    click_and_wait(page, "form#dataset-edit button[name=save]")
    add_data_and_finish(page)
    assert page.url.endswith(f"/dataset/{name}")
    assert review_status(page) == "草稿"
    saved = portal.call("package_show", id=name)
    assert saved["private"] is False
    assert saved["share_type"] == "conditional"
    assert saved["share_condition"] == "仅用于停车管理相关的行政职责"
    assert re.fullmatch(r"3\d{5,}/\d{6}", saved["resource_code"])
    assert [r["name"] for r in saved["resources"]] == ["停车场名录"]

    # Not published yet: the public neither finds nor opens it.
    anonymous = new_page()
    response = anonymous.goto(f"/dataset/{name}")
    assert response.status == 404
    assert portal.action("package_show", id=name).status_code in (403, 404)

    # 4. The publisher submits it for review from the entry's page.
    click_and_wait(page, ".cqgov-review-submit button[type=submit]")
    assert review_status(page) == "已报送待审核"
    assert page.locator(".alert-success").count() >= 1
    assert english_ui_texts(page) == []

    # 5. The competent department finds it in its review queue and approves.
    review = new_page(reviewer)
    review.goto("/catalog/review")
    row = queue_row(review, name)
    assert row.count() == 1
    assert saved["resource_code"] in row.inner_text()
    assert department["title"] in row.inner_text()
    assert english_ui_texts(review) == []
    with review.expect_navigation():
        row.locator(".cqgov-review-approve button[type=submit]").click()
    review.wait_for_load_state()
    assert review.url.endswith("/catalog/review")
    assert "审核通过" in review.locator(".alert-success").inner_text()  # flash
    assert queue_row(review, name).count() == 0

    entry = portal.call("package_show", id=name)
    assert entry["catalog_status"] == "approved"
    assert entry["release_date"]

    # 6. Published: the anonymous public sees the entry and finds it.
    response = anonymous.goto(f"/dataset/{name}")
    assert response.status == 200
    assert title in anonymous.locator("#content").inner_text()
    assert "停车管理业务系统" not in anonymous.content()  # internal field
    anonymous.goto(f"/dataset/?q={name}")
    assert anonymous.locator(f"a[href='/dataset/{name}']").count() >= 1

    # The history shows who did what.
    page.reload()
    history = page.locator(".cqgov-review-history").inner_text()
    for step in ("创建", "报送审核", "审核通过"):
        assert step in history


def test_competent_department_returns_entry_with_a_reason(
    portal, make_user, make_organization, new_page, unique_name
):
    department = make_organization(level="municipal")
    competent = make_organization(level="municipal", is_competent=True)
    publisher = make_user(org=department["name"], role="editor")
    reviewer = make_user(org=competent["name"], role="editor")
    name = unique_name("cat")
    portal.call(
        "package_create",
        **{
            **CATALOG_DEFAULTS,
            "name": name,
            "title": f"退回测试目录 {name}",
            "notes": "退回测试",
            "owner_org": department["id"],
            "catalog_status": "draft",
        },
    )

    page = new_page(publisher)
    page.goto(f"/dataset/{name}")
    click_and_wait(page, ".cqgov-review-submit button[type=submit]")
    assert review_status(page) == "已报送待审核"

    review = new_page(reviewer)
    review.goto("/catalog/review")
    # Returning without a reason is refused with the field's message.
    with review.expect_navigation():
        queue_row(review, name).locator(
            ".cqgov-review-return button[type=submit]"
        ).click()
    assert (
        "请填写退回理由" in review.locator(".alert-danger, .alert-error").inner_text()
    )
    assert portal.call("package_show", id=name)["catalog_status"] == "submitted"
    row = queue_row(review, name)
    row.locator(".cqgov-review-return textarea[name=comment]").fill("信息项不完整")
    with review.expect_navigation():
        row.locator(".cqgov-review-return button[type=submit]").click()
    assert queue_row(review, name).count() == 0
    assert portal.call("package_show", id=name)["catalog_status"] == "returned"

    # The department sees the reason and can submit again.
    page.reload()
    assert review_status(page) == "已退回"
    assert "信息项不完整" in page.locator(".cqgov-review-history").inner_text()
    assert page.locator(".cqgov-review-submit button[type=submit]").count() == 1


def test_edit_form_warns_of_duplicates(
    portal, make_user, make_organization, new_page, unique_name, english_ui_texts
):
    first = make_organization(level="municipal")
    second = make_organization(level="municipal")
    publisher = make_user(org=second["name"], role="editor")
    items = [
        {"name": n, "data_type": "C", "length": "50", "sensitive_category": "none"}
        for n in ("学校名称", "学校地址", "办学类型", "在校学生数")
    ]
    original = unique_name("dup")
    copy = unique_name("dup")
    for name, org in ((original, first), (copy, second)):
        portal.call(
            "package_create",
            **{
                **CATALOG_DEFAULTS,
                "name": name,
                "title": "重庆市中小学校基本信息",
                "notes": "中小学校名录",
                "owner_org": org["id"],
                "data_items": items,
            },
        )
    page = new_page(publisher)
    page.goto(f"/dataset/edit/{copy}")
    warning = page.locator(".cqgov-duplicates-warning").first
    assert "一数一源" in warning.inner_text()
    assert warning.locator(f"a[href='/dataset/{original}']").count() == 1
    assert first["title"] in warning.inner_text()
    assert english_ui_texts(page) == []
    # The warning does not stop the department from saving.
    click_and_wait(page, "form#dataset-edit button[name=save]")
    assert page.url.endswith(f"/dataset/{copy}")
    assert page.locator(".cqgov-catalog-review .cqgov-duplicates-warning").count() == 1
