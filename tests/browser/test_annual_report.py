"""A clerk drafts the annual report, the head reviews and publishes it, the public reads and
downloads it — in a real browser."""

import subprocess

from docx import Document


def test_clerk_edits_head_publishes_public_downloads(page, login, demo, tmp_path):
    from gongkai.annualreports import demo as ar_demo
    from gongkai.appeals import demo as appeals_demo

    appeals_demo.build(demo)
    ar_demo.build(demo)
    edu = demo["青山市:教育局"]

    login("clerk")
    page.click("nav.main-nav >> text=年度报告")
    page.click("text=打开报告")
    assert "2025年政府信息公开工作年度报告" in page.locator("h1.report-title").inner_text()
    # a figure of table 四 drills down to its cases
    page.click('td[data-key="appeals.reconsideration.total"] a')
    assert (
        page.locator("#case-count").inner_text() == page.locator("#cell-value").inner_text() == "3"
    )
    page.go_back()
    page.click("text=编辑文字部分")
    editor = page.locator("#id_section_5_editor")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("本年度公开工作培训覆盖不足，下一步将开展专题培训。")
    assert "政策解读形式较为单一" in page.locator("aside.last-year").inner_text()
    page.click("button:has-text('保存')")
    assert "已保存" in page.locator(".messages").inner_text()
    assert page.locator("#report-status").inner_text() == "草稿"
    # the clerk cannot review or publish
    assert page.locator("button:has-text('审核通过')").count() == 0

    page.click("button:has-text('退出')")
    login("head")
    page.goto(page.base_url + "/staff/reports/")
    page.click("text=打开报告")
    page.click("button:has-text('审核通过')")
    assert page.locator("#report-status").inner_text() == "已审核"
    page.click("button:has-text('发布')")
    assert page.locator("#report-status").inner_text() == "已发布"

    page.goto(page.base_url + f"/agencies/{edu.pk}/reports/")
    page.click("text=2025年政府信息公开工作年度报告")
    body = page.locator("article.annual-report").inner_text()
    assert "专题培训" in body and "四、政府信息公开行政复议、行政诉讼情况" in body
    assert page.locator("table.report-appeals caption").count() == 1

    with page.expect_download() as dl:
        page.click("text=Word (DOCX)")
    docx_path = tmp_path / "r.docx"
    dl.value.save_as(docx_path)
    text = "\n".join(p.text for p in Document(docx_path).paragraphs)
    assert "专题培训" in text

    with page.expect_download() as dl:
        page.click("a:has-text('PDF')")
    pdf_path = tmp_path / "r.pdf"
    dl.value.save_as(pdf_path)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "2", str(pdf_path), str(tmp_path / "p")],
        check=True,
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 2 and all(p.stat().st_size > 5000 for p in pngs)


def test_head_acknowledges_a_table_2_warning_and_publishes(page, login, demo, tmp_path):
    """A T2-2 warning (a document issued in December, published in January after last year's
    report) does not stop review; the head writes a reason on the page and publishes."""
    from datetime import date

    from django.contrib.auth import get_user_model

    from gongkai.annualreports import services
    from tests.annualreports.test_warnings import _normative

    users = {u.username: u for u in get_user_model().objects.all()}
    edu = demo["青山市:教育局"]
    r25 = services.open_report(users["clerk"], edu, 2025)
    services.mark_reviewed(users["reviewer"], r25)
    services.publish(users["head"], r25)
    _normative(edu, date(2025, 12, 20), date(2026, 1, 5), "关于规范校外培训的通知")
    report = services.open_report(users["clerk"], edu, 2026)

    login("head")
    page.goto(page.base_url + f"/staff/reports/{report.pk}/")
    page.click("button:has-text('审核通过')")
    assert page.locator("#report-status").inner_text() == "已审核"
    page.click("button:has-text('发布')")
    assert "须由负责人逐条确认" in page.locator(".messages").inner_text()
    assert page.locator("#report-status").inner_text() == "已审核"
    page.fill("#ack-1", "该文件2025年12月20日制发、2026年1月5日公开，已计入2025年制发数。")
    page.click("button:has-text('确认并说明理由')")
    assert "已确认" in page.locator("#w-1").inner_text()
    page.click("button:has-text('发布')")
    assert page.locator("#report-status").inner_text() == "已发布"
    page.locator("details.acknowledged summary").click()
    assert "2026年1月5日公开" in page.locator("details.acknowledged").inner_text()
    page.screenshot(path=str(tmp_path / "ack.png"), full_page=False)
    page.goto(page.base_url + f"/reports/{edu.pk}/2026/")
    assert "2026年1月5日公开" not in page.content()
