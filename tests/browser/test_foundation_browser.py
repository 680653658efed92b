"""A new staff member's first minutes, in a real browser."""


def test_login_switch_agency_open_guide_and_switch_language(page, login, demo):
    login("cityclerk")
    assert page.locator("h1").first.inner_text() == "示例省青山市人民政府"
    # cityclerk works for one agency; give them a second one and switch
    from django.contrib.auth import get_user_model

    from gongkai.agencies.models import Membership

    user = get_user_model().objects.get(username="cityclerk")
    Membership.objects.create(user=user, agency=demo["青山市:教育局"], role="clerk")
    page.reload()
    with page.expect_navigation():
        page.select_option("#agency-select", str(demo["青山市:教育局"].pk))
    assert page.locator("h1").first.inner_text() == "青山市教育局"
    page.click("text=查看公开指南")
    assert "政府信息公开指南" in page.locator("h1").inner_text()
    assert demo["青山市:教育局"].office_phone in page.content()
    with page.expect_navigation():
        page.select_option("#lang-select", "zh-hant")
    assert page.locator("html").get_attribute("lang") == "zh-TW"
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"


def test_wrong_password_shows_a_chinese_message(page, demo):
    page.goto(page.base_url + "/staff/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "nope")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.locator("[role=alert]").inner_text()
