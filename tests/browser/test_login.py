"""The browser fixtures work: anonymous pages, logging in as a publisher and as
the sysadmin, several actors at once."""

from __future__ import annotations


def test_anonymous_home_page(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang").startswith("zh")
    assert "重庆市政务信息资源共享开放平台" in page.title()
    assert page.locator('a[href$="/user/login"]').count() > 0


def test_publisher_logs_in_and_opens_the_dataset_form(portal, make_user, new_page):
    org = portal.call("organization_list")[0]
    publisher = make_user(org=org, role="editor")
    page = new_page(publisher)
    page.goto(f"/dataset/new?owner_org={org}")
    assert page.locator("#field-title").is_visible()
    assert page.locator("#field-organizations").count() == 1


def test_wrong_password_is_refused_in_chinese(page, make_user, try_login):
    user = make_user()
    assert not try_login(page, user.name, "not-the-password")
    assert "登录失败。用户名或密码错误。" in page.inner_text("body")


def test_two_actors_each_in_their_own_context(portal, make_user, new_page, login):
    member = make_user()
    admin_page = new_page()
    login(admin_page, portal.admin)
    member_page = new_page(member)
    admin_page.goto("/ckan-admin/")
    assert admin_page.url.endswith("/ckan-admin/")
    response = member_page.goto("/ckan-admin/")
    assert response.status == 403
