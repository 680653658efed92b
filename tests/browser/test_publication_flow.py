"""主动公开 end to end in a real browser: draft with an ID number → the privacy guard blocks it →
the clerk masks it → reviewer's 保密审查 → head approves and publishes → it is public and found
by search (a 2-character query and the traditional-character spelling)."""

import re

from gongkai.publications.models import Publication

ID_NUMBER = "350102199003071234"
TITLE = "青山市教育局关于做好2026年义务教育招生入学工作的补充通知"


def _relogin(page, login, username):
    page.context.clear_cookies()
    login(username)


def _open(page, pub):
    page.goto(f"{page.base_url}/staff/publications/{pub.pk}/")


def test_publication_flow(page, login, demo):
    login("clerk")
    page.goto(page.base_url + "/staff/publications/")
    page.click("#btn-new")
    page.select_option("#id_column", label="— 法规文件")
    page.fill("#id_title", TITLE)
    page.fill("#id_document_number", "青教[2026]5号")
    page.fill("#id_formed_on", "2026-03-02")
    page.fill("#id_issued_on", "2026-02-27")
    page.select_option("#id_kind", "normative_document")
    page.fill(
        "#id_body",
        f"<p>经核实，学生家长王某（身份证号{ID_NUMBER}）反映的问题已解决。</p>"
        "<p>各县教育局要严格落实免试就近入学政策。</p>",
    )
    page.click("#btn-save")
    # The guard found the ID number and shows it masked.
    blocked = page.locator("#privacy-blocked")
    assert "1处个人信息尚未处理" in blocked.inner_text()
    assert "35*************234" in page.locator("#privacy").inner_text()
    assert ID_NUMBER not in page.locator("#privacy").inner_text()
    pub = Publication.objects.get(title=TITLE)
    assert pub.document_number == "青教〔2026〕5号"

    # Submitting is refused while the finding is open.
    page.click("#btn-submit")
    assert "个人信息尚未处理" in page.locator(".msg-error").first.inner_text()
    pub.refresh_from_db()
    assert pub.status == "draft"

    # Mask it: the body is rewritten.
    page.click("text=遮盖为 35*************234")
    assert "已遮盖" in page.locator("#privacy").inner_text()
    assert "35*************234" in page.locator("#pub-body").inner_text()
    assert ID_NUMBER not in page.content()
    page.click("#btn-submit")
    assert page.locator("#pub-status").inner_text() == "待审核"

    # The reviewer: 公开属性 and 保密审查.
    _relogin(page, login, "reviewer")
    _open(page, pub)
    page.select_option("#id_disclosure_mode", "proactive")
    page.check("#id_secrecy_ok")
    page.fill("#id_note", "不涉密，同意主动公开")
    page.click("#btn-review")
    assert page.locator("#pub-status").inner_text() == "已审核"

    # The head approves and publishes.
    _relogin(page, login, "head")
    _open(page, pub)
    page.click("#btn-approve")
    assert page.locator("#pub-status").inner_text() == "已批准"
    page.click("#btn-publish")
    assert page.locator("#pub-status").inner_text() == "已发布"
    published = page.locator("#pub-published-at").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", published)
    pub.refresh_from_db()
    assert pub.status == "published" and pub.published_at is not None
    assert ID_NUMBER not in pub.body and ID_NUMBER not in pub.body_text

    # It appears on the portal, masked, with the index number and the publication date.
    page.click("#pub-portal-link")
    assert page.locator("h1.pub-title").inner_text() == TITLE
    portal = page.locator("main").inner_text()
    assert "免试就近入学" in portal and "35*************234" in portal
    assert pub.index_number in portal and published[:10] in portal
    assert ID_NUMBER not in page.content()

    # Found on the portal search by a 2-character query and by the traditional spelling.
    page.context.clear_cookies()
    for q in ("招生", "義務教育"):
        page.goto(f"{page.base_url}/search/?q={q}")
        assert page.locator(f"a[href='/documents/{pub.pk}/']").count() >= 1, q
    page.goto(f"{page.base_url}/search/?q={ID_NUMBER}")
    assert page.locator(f"a[href='/documents/{pub.pk}/']").count() == 0
