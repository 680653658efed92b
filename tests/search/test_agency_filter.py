"""The agency filter of the portal search: only agencies with public documents (and the
governments above them), grouped by province/city/county government in the order of the tree,
each with the number of documents it and its subordinates published; labelled; preselected when
an agency's page links to the search."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from selectolax.lexbor import LexborHTMLParser as HTMLParser

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_language():
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def published(make_pub):
    make_pub("教育局文件一", "正文")
    make_pub("教育局文件二", "正文")
    make_pub("城关镇文件", "正文", agency_key="青山市:松林县:城关镇")
    make_pub("民政局文件", "正文", agency_key="青山市:松林县:民政局")
    # Not public: never counted, and their agency is not listed.
    make_pub("白水市草稿", "正文", agency_key="白水市", status="draft")
    make_pub("白水市依申请", "正文", agency_key="白水市", disclosure_mode="on_request")


def _filter(client, url=None):
    r = client.get(url or reverse("publications_public:search"))
    assert r.status_code == 200
    tree = HTMLParser(r.content.decode())
    select = tree.css_first("select#s-agency")
    groups = [
        (g.attributes["label"], [o.text(strip=True) for o in g.css("option")])
        for g in select.css("optgroup")
    ]
    return tree, select, groups


def test_only_agencies_with_public_documents_in_tree_order(client, demo, published):
    from gongkai.agencies.models import Agency

    tree, select, groups = _filter(client)
    assert groups == [
        ("示例省政府", ["示例省人民政府（4）"]),
        ("示例省政府 › 青山市政府", ["示例省青山市人民政府（4）", "青山市教育局（2）"]),
        (
            "示例省政府 › 青山市政府 › 松林县政府",
            ["青山市松林县人民政府（2）", "松林县民政局（1）", "松林县城关镇人民政府（1）"],
        ),
    ]
    options = select.css("option")
    assert Agency.objects.filter(is_active=True).count() >= 40
    assert options[0].attributes["value"] == "" and len(options) == 1 + 6
    assert not select.css("option[selected]")
    label = tree.css_first("label[for=s-agency]")
    assert label is not None and label.text(strip=True) == "机关（含下级）"
    assert tree.css_first("#s-agency-help") is not None


def test_choosing_a_county_searches_its_subtree(client, demo, published):
    county = demo["青山市:松林县"]
    r = client.get(reverse("publications_public:search"), {"q": "文件", "agency": county.pk})
    titles = {
        h.text(strip=True)
        for h in HTMLParser(r.content.decode()).css(".pub-results .pub-hit-title a")
    }
    assert titles == {"城关镇文件", "民政局文件"}


def test_agency_pages_link_to_the_search_with_the_agency_chosen(client, demo, published):
    edu = demo["青山市:教育局"]
    for page in (
        reverse("portal:agency", args=[edu.pk]),
        reverse("publications_public:catalogue", args=[edu.pk]),
    ):
        html = HTMLParser(client.get(page).content.decode())
        hrefs = [a.attributes.get("href") for a in html.css("a")]
        link = reverse("publications_public:search") + f"?agency={edu.pk}"
        assert link in hrefs, page
        _tree, select, _groups = _filter(client, link)
        (chosen,) = select.css("option[selected]")
        assert chosen.attributes["value"] == str(edu.pk)


def test_a_chosen_agency_without_documents_stays_listed(client, demo, published):
    baishui = demo["白水市"]
    _tree, select, groups = _filter(
        client, reverse("publications_public:search") + f"?agency={baishui.pk}"
    )
    (chosen,) = select.css("option[selected]")
    assert chosen.attributes["value"] == str(baishui.pk)
    assert ("示例省政府 › 白水市政府", ["示例省白水市人民政府（0）"]) in groups


def test_filter_in_english(client, demo, published):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    tree, _select, groups = _filter(client)
    assert groups[1][1] == ["示例省青山市人民政府 (4)", "青山市教育局 (2)"]
    assert (
        tree.css_first("label[for=s-agency]").text(strip=True)
        == "Agency (including subordinate agencies)"
    )


def test_the_navigation_marks_the_current_section_once(client, demo, published):
    for path, current in (
        ("/", "/"),
        ("/search/?q=教育", "/search/"),
        ("/agencies/", "/agencies/"),
    ):
        html = HTMLParser(client.get(path).content.decode())
        marked = [a.attributes["href"] for a in html.css(".main-nav a[aria-current='page']")]
        assert marked == [current], path
        hrefs = [a.attributes["href"] for a in html.css(".main-nav a")]
        assert len(hrefs) == len(set(hrefs)), path  # no section listed twice


def test_portal_home_lists_the_latest_public_documents_only(client, demo, published):
    html = HTMLParser(client.get("/").content.decode())
    titles = [a.text(strip=True) for a in html.css(".home-latest a")]
    assert set(titles) == {"教育局文件一", "教育局文件二", "城关镇文件", "民政局文件"}
    assert "白水市草稿" not in html.html and "白水市依申请" not in html.html
