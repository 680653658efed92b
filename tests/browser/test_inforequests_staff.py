"""Staff side of applications in a real browser: register an in-person application, see the
access code once, read the clock on the case page, reply, and find the case in the ledger."""

from datetime import date


def test_intake_reply_ledger(page, login, demo):
    base = page.base_url
    login("clerk")
    page.goto(base + "/staff/requests/new/")
    page.select_option("#id_channel", "in_person")
    page.fill("#id_submitted_on", date.today().isoformat())
    page.select_option("#id_applicant_type", "natural")
    page.fill("#id_name", "浏览器测试申请人")
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", "123")  # invalid first: the form says so in Chinese
    page.fill("#id_phone", "13900001111")
    page.fill("#id_description", "2026年青山市中小学校车安全管理办法")
    page.select_option("#id_form_requested", "paper")
    page.select_option("#id_delivery", "pick_up")
    page.click("main form button[type=submit]")
    assert "居民身份证号码无效" in page.locator(".errorlist").first.inner_text()
    page.fill("#id_id_number", "11010519491231002X")
    page.click("main form button[type=submit]")
    code = page.locator("[data-testid=access-code]").inner_text()
    assert len(code) == 12
    page.click("text=打开案件")
    assert "收到申请当日" in page.locator("[data-testid=clock-words]").inner_text()
    assert "浏览器测试申请人" in page.content()  # own agency staff see the applicant

    details = page.locator("details.ir-action", has=page.locator("summary", has_text="答复"))
    details.locator("summary").click()
    details.locator("select[name=reply-outcome]").select_option("withheld.internal_affairs")
    with page.expect_navigation():
        details.locator("button[type=submit]").click()
    assert "须说明理由" in page.content()  # refused, nothing saved
    details = page.locator("details.ir-action", has=page.locator("summary", has_text="答复"))
    details.locator("textarea[name=reply-reasons]").fill("属于内部人事管理信息")
    with page.expect_navigation():
        details.locator("button[type=submit]").click()
    assert "已办理" in page.locator(".messages").inner_text()
    assert "已答复" in page.locator("h1").inner_text()

    page.goto(base + "/staff/requests/ledger/?outcome=withheld.internal_affairs")
    assert "2026年青山市中小学校车安全管理办法" not in page.content()  # the ledger lists numbers
    assert page.locator("table.ir-table tbody tr").count() == 1
