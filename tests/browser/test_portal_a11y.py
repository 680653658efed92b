"""Accessibility of the portal (GB/T 37668-2019 / WCAG 2.1 AA) checked with axe-core in
chromium: no violation of serious or critical impact on the home page, a catalogue, a
document page and the search page; and the search works with the keyboard alone."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.search.fixtures import _fast_passwords, make_pub  # noqa: F401

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def portal_docs(make_pub):  # noqa: F811 (fixture imported above)
    from gongkai.publications.models import Interpretation

    policy = make_pub(
        "关于做好2024年义务教育招生工作的通知",
        "各县（市、区）教育局：现就做好义务教育招生工作通知如下。",
        document_number="青教发〔2024〕3号",
        keywords="招生",
        kind="normative_document",
    )
    interp = make_pub("《关于做好2024年义务教育招生工作的通知》政策解读", "一、起草背景……")
    Interpretation.objects.create(policy=policy, interpretation=interp)
    return policy


def test_portal_pages_have_no_serious_accessibility_violations(page, portal_docs):
    urls = {
        "home": "/",
        "catalogue": reverse("publications_public:catalogue", args=[portal_docs.agency_id]),
        "document": reverse("publications_public:document", args=[portal_docs.pk]),
        "search": reverse("publications_public:search") + "?q=义务教育",
    }
    problems = {}
    for name, url in urls.items():
        page.goto(page.base_url + url)
        found = axe_violations(page)
        if found:
            problems[name] = found
    assert problems == {}


def test_search_by_keyboard_only(page, portal_docs):
    page.goto(page.base_url + reverse("publications_public:search"))
    # Skip link first, then into the form without the mouse.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    # The agency filter: its label names it, the arrow keys choose (in tree order).
    page.focus("#s-agency")
    assert page.get_by_label("机关（含下级）").evaluate("e => e.id") == "s-agency"
    page.keyboard.press("ArrowDown")
    chosen = page.eval_on_selector("#s-agency", "e => e.options[e.selectedIndex].text")
    assert chosen.startswith("示例省人民政府")
    page.focus("#q")
    page.keyboard.type("義務教育")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.eval_on_selector("#s-agency", "e => e.options[e.selectedIndex].text") == chosen
    first = page.locator(".pub-results li").first
    assert "义务教育" in first.inner_text()
    assert first.locator("mark").count() >= 1
    link = page.get_by_role("link", name=portal_docs.title, exact=True)
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == portal_docs.title
    assert "青教发〔2024〕3号" in page.locator(".pub-meta").inner_text()
    assert page.locator("text=政策解读").count() >= 1
