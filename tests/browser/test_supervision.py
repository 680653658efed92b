"""The supervising office in a real browser: report checker, dashboard, problem list, answer."""

import io
from pathlib import Path

import pytest

SEEDS = sorted(Path("/work/shared/seeds").glob("*.txt"))


def test_checker_upload_highlight_and_xlsx(page, login, demo):
    pytest.importorskip("gongkai.checker")
    if len(SEEDS) < 2:
        pytest.skip("seed reports not present")
    from openpyxl import load_workbook

    login("supervisor")
    page.click("nav >> text=年报体检")
    page.set_input_files("#id_files", [str(SEEDS[0]), str(SEEDS[2])])
    with page.expect_navigation():
        page.click("#checker-form button[type=submit]")
    table = page.locator("#checker-results")
    assert SEEDS[0].name in table.inner_text() and SEEDS[2].name in table.inner_text()
    assert table.locator(".badge").count() > 0  # findings listed
    with page.expect_download() as dl:
        page.click("#download-xlsx")
    wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    rows = list(wb["报告"].iter_rows(values_only=True))
    assert len(rows) == 3 and {rows[1][0], rows[2][0]} == {SEEDS[0].name, SEEDS[2].name}
    assert wb["问题"].max_row > 2
    page.click(f"text={SEEDS[2].name}")
    marks = page.locator("#report-text mark")
    assert marks.count() > 0
    first = marks.first
    assert first.get_attribute("title")  # the finding's message on hover
    page.locator(".sv-finding-list a[href^='#ev-']").first.click()
    assert page.url.split("#")[1].startswith("ev-")


def test_issue_problem_list_and_head_answers(page, login, demo):
    login("supervisor")
    page.click("nav >> text=监督")
    assert page.locator("h1").inner_text() == "监督台"
    edu = demo["青山市:教育局"]
    page.click(f'a[href="/staff/supervision/lists/new/?agency={edu.pk}"]')
    assert "青山市教育局" in page.locator("main").inner_text()
    page.fill("#id_items-0-description", "“通知公告”栏目三个月未更新")
    page.select_option("#id_items-0-category", "stale_column")
    with page.expect_navigation():
        page.click("#problem-list-form button[type=submit]")
    assert "问题清单已下发" in page.content()
    assert page.locator("#list-status").inner_text() == "待整改"
    page.click("text=退出")

    login("head")
    page.goto(page.base_url + "/staff/supervision/")
    assert page.locator("h1").inner_text() == "收到的问题清单"
    page.click("text=关于青山市教育局政府信息公开工作问题的整改通知")
    page.locator("textarea[name=note]").first.fill("已更新栏目，并建立每周检查制度")
    with page.expect_navigation():
        page.click("text=提交整改情况")
    assert "整改情况已提交" in page.content()
    assert "已反馈，待验收" in page.locator(".sv-problem").first.inner_text()
    assert page.locator("#list-status").inner_text() == "整改中"
