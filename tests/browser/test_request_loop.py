"""THE loop of an application, in a real browser: a new user applies on the portal, staff
confirm receipt and ask for a 补正, the applicant sends it from the tracking page, staff reply,
and the applicant downloads the reply letter from the tracking page."""

import re

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


def _answer(page, scope=""):
    label = page.locator(f"{scope} label[for=id_answer]").inner_text()
    a, b = (int(x) for x in re.search(r"(\d+) 加 (\d+)", label).groups())
    page.fill(f"{scope} #id_answer", str(a + b))


def _staff_act(page, summary: str, fill=None):
    """Open the action's <details> on the case page, fill it, submit, expect success."""
    details = page.locator("details.ir-action", has=page.locator("summary", has_text=summary))
    details.locator("summary").click()
    if fill:
        fill(details)
    with page.expect_navigation():
        details.locator("button[type=submit]").click()
    assert "已办理" in page.locator(".messages").inner_text(), page.content()[:2000]


def test_apply_amend_reply_download(page, login, browser, demo):
    base = page.base_url
    applicant = browser.new_context(locale="zh-CN").new_page()
    applicant.set_default_timeout(15000)

    # --- the applicant applies, as a newcomer would: home → apply → choose the agency
    applicant.goto(base + "/")
    applicant.click("text=在线提交政府信息公开申请")
    applicant.click("text=青山市教育局")
    assert "政府信息公开申请" in applicant.locator("h1").inner_text()
    applicant.fill("#id_name", "李四")
    applicant.select_option("#id_id_type", "resident_id")
    applicant.fill("#id_id_number", ID_NUMBER)
    applicant.fill("#id_phone", PHONE)
    applicant.fill("#id_description", "2025年青山市义务教育学校招生划片范围")
    applicant.select_option("#id_form_requested", "electronic")
    applicant.select_option("#id_delivery", "online")
    applicant.set_input_files(
        "#id_files",
        files=[{"name": "身份证明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 x"}],
    )
    _answer(applicant)
    with applicant.expect_navigation():
        applicant.click("button:has-text('提交申请')")
    assert "申请已提交" in applicant.locator("h1").inner_text()
    number = applicant.locator("#tracking-number").inner_text().strip()
    code = applicant.locator("#access-code").inner_text().strip()
    assert re.fullmatch(r"\d{4}-\d{6}", number) and len(code) >= 10

    # --- staff confirm receipt (Art. 31) and ask for a 补正 (Art. 30)
    login("clerk")
    page.goto(base + "/staff/requests/")
    page.click(f"a:has-text('{number}')")
    assert number in page.locator("h1").inner_text()
    _staff_act(page, "确认收到")
    _staff_act(
        page,
        "补正告知",
        lambda d: d.locator("textarea").fill("请写明所需划片范围的学段（小学或初中）"),
    )
    assert "等待补正" in page.locator("h1").inner_text()

    # --- the applicant looks the case up and sends the 补正 from the tracking page
    applicant.goto(base + "/track/")
    applicant.select_option("#id_agency", label="青山市教育局")
    applicant.fill("#id_tracking_number", number)
    applicant.fill("#id_access_code", code)
    _answer(applicant)
    with applicant.expect_navigation():
        applicant.click("button:has-text('查询')")
    assert applicant.locator("#case-status").inner_text() == "等待补正"
    assert "请写明所需划片范围的学段" in applicant.content()
    html = applicant.content()
    assert ID_NUMBER not in html and PHONE not in html and "李四" not in html
    applicant.fill("#id_text", "所需为小学学段的划片范围")
    _answer(applicant, ".amend-form")
    with applicant.expect_navigation():
        applicant.click("button:has-text('提交补正')")
    assert "等待本机关确认收到" in applicant.content()

    # --- staff record the 补正 (the clock restarts) and reply
    page.reload()
    assert "所需为小学学段的划片范围" in page.content()
    _staff_act(page, "收到补正")
    _staff_act(
        page,
        "答复",
        lambda d: (
            d.locator("select[name='reply-outcome']").select_option("disclosed"),
            d.locator("input[type=file]").set_input_files(
                files=[
                    {"name": "划片范围.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 y"}
                ]
            ),
        ),
    )
    assert "已答复" in page.locator("h1").inner_text()

    # --- the applicant downloads the reply letter from the tracking page
    applicant.reload()
    assert applicant.locator("#case-status").inner_text() == "已答复"
    row = applicant.locator("table.letters tr[data-kind=reply]")
    assert "政府信息公开申请答复书" in row.inner_text()
    with applicant.expect_download() as dl:
        row.locator("a:has-text('PDF')").click()
    data = open(dl.value.path(), "rb").read()
    assert data.startswith(b"%PDF-")
    with applicant.expect_download() as dl:
        row.locator("a:has-text('Word')").click()
    assert open(dl.value.path(), "rb").read()[:2] == b"PK"
    applicant.context.close()
