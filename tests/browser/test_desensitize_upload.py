"""A publisher uploads a CSV of personal records through the CKAN form; the
background job publishes masked copies; the public sees only those, and the
original stays with the government (Art. 21)."""

from __future__ import annotations

import csv
import io
import random
import re
import time

import requests
from catalog_defaults import CATALOG_DEFAULTS

from ckanext.cqgov.desensitize import synthetic

ID_RE = re.compile(r"\d{17}[\dX]")


def personal_csv(rows: int = 12) -> tuple[bytes, list[str]]:
    rng = random.Random(21)
    ids = [synthetic.resident_id(rng) for _ in range(rows)]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["编号", "身份证号", "备注"])
    for i, value in enumerate(ids):
        writer.writerow([i + 1, value, f"第{i + 1}户"])
    return buf.getvalue().encode(), ids


def wait_for_job(portal, resource_id: str, seconds: int = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        resp = portal.action("cqgov_desensitize_status", portal.token, id=resource_id)
        if resp.status_code == 200:
            status = resp.json()["result"]
            if status["status"] not in ("queued", "running"):
                return status
        time.sleep(1)
    raise AssertionError(f"desensitization of {resource_id} did not finish")


def test_upload_publishes_only_the_masked_copy(
    portal, make_user, make_organization, new_page, unique_name
):
    provider = make_organization()
    publisher = make_user(org=provider["name"], role="editor")
    other_department = make_user(
        org=make_organization()["name"], role="member", token=True
    )
    name = unique_name("ds")
    portal.call(
        "package_create",
        **{
            **CATALOG_DEFAULTS,
            "name": name,
            "title": f"低保户名册 {name}",
            "notes": "脱敏发布测试用的目录条目",
            "owner_org": provider["id"],
            "catalog_status": "approved",
            "data_items": [
                {
                    "name": "身份证号",
                    "data_type": "C",
                    "length": "18",
                    "description": "户主身份证号",
                    "sensitive_category": "id_number",
                }
            ],
        },
    )
    content, ids = personal_csv()

    # the publisher uploads through the resource form, asking for "open"
    page = new_page(publisher)
    page.goto(f"/dataset/{name}/resource/new")
    page.evaluate("document.getElementById('resource-url-upload').checked = true")
    page.set_input_files(
        "#field-resource-upload",
        files=[{"name": "households.csv", "mimeType": "text/csv", "buffer": content}],
    )
    page.fill("#field-name", "低保户名册")
    page.select_option("#field-audience", "open")
    with page.expect_navigation():
        page.locator("form#resource-edit button[name=save]").last.click()
    assert "/resource/new" not in page.url

    entry = portal.call("package_show", id=name)
    original = next(r for r in entry["resources"] if r["name"] == "低保户名册")
    assert original["audience"] == "share"  # held until checked
    status = wait_for_job(portal, original["id"])
    assert status["status"] == "done", status
    assert status["findings"]["resident_id"] == len(ids)

    # the publisher sees the report and a masked preview
    page.goto(f"/dataset/{name}/resource/{original['id']}")
    page.locator("#cqgov-desensitize-link").click()
    page.wait_for_selector("#desensitize-preview")
    assert "已发布脱敏副本" in page.inner_text("#desensitize-status")
    preview = page.inner_text("#desensitize-preview")
    assert "****" in preview and not ID_RE.search(preview)

    # the public sees only the desensitized copies
    public = new_page()
    public.goto(f"/dataset/{name}")
    listed = public.locator(".resource-item").all_inner_texts()
    assert listed and all("脱敏" in text for text in listed), listed
    derived = portal.call("resource_show", id=status["derivatives"]["csv"])
    download = public.request.get(derived["url"])
    assert download.status == 200
    masked = download.text()
    assert not ID_RE.search(masked) and "****" in masked
    for value in ids:
        assert value not in masked
    # …and can query the masked copy through the DataStore API
    api = public.request.get(
        f"/api/3/action/datastore_search?resource_id={derived['id']}&limit=100"
    )
    assert api.status == 200
    records = api.json()["result"]["records"]
    assert len(records) == len(ids)
    assert all("*" in r["身份证号"] for r in records)
    assert public.request.get(original["url"]).status == 403
    assert public.goto(f"/dataset/{name}/resource/{original['id']}").status in (
        403,
        404,
    )

    # another department (unconditional sharing) gets the original
    shared = requests.get(
        original["url"], headers={"Authorization": other_department.token}, timeout=30
    )
    assert shared.status_code == 200
    assert ids[0] in shared.content.decode()
