"""Portal pages, feeds, sitemap and API over publications: only public documents, ever."""

import pytest
from django.urls import reverse

from gongkai import search

pytestmark = pytest.mark.django_db

WORD = "绿色出行补贴"


@pytest.fixture
def docs(make_pub):
    public = make_pub(
        f"关于发放{WORD}的通知",
        f"各学校：{WORD}按季度发放。",
        document_number="青教发〔2024〕7号",
        keywords="补贴",
        kind="normative_document",
    )
    hidden = [
        make_pub(f"{WORD}草稿", f"草稿{WORD}", status="draft"),
        make_pub(f"{WORD}待审", f"待审{WORD}", status="submitted"),
        make_pub(f"{WORD}撤回", f"撤回{WORD}", status="withdrawn"),
        make_pub(f"{WORD}依申请", f"依申请{WORD}", disclosure_mode="on_request"),
        make_pub(f"{WORD}不予公开", f"不予{WORD}", disclosure_mode="withheld"),
    ]
    return public, hidden


def test_unpublished_documents_never_appear_anywhere(client, docs):
    public, hidden = docs
    agency = public.agency
    pages = {
        "search": client.get(reverse("publications_public:search"), {"q": WORD}),
        "catalogue": client.get(reverse("publications_public:catalogue", args=[agency.pk])),
        "feed": client.get(
            reverse("publications_public:column_feed", args=[agency.pk, public.column_id])
        ),
        "sitemap": client.get(reverse("publications_public:sitemap_section", args=["documents"])),
        "api list": client.get("/api/publications/", {"agency": agency.pk}),
        "api search": client.get("/api/publications/search", {"q": WORD}),
    }
    public_url = reverse("publications_public:document", args=[public.pk])
    for name, resp in pages.items():
        assert resp.status_code == 200, name
        body = resp.content.decode()
        assert public_url in body, name
        for h in hidden:
            assert reverse("publications_public:document", args=[h.pk]) not in body, name
            assert h.title not in body, name
    assert client.get(public_url).status_code == 200
    for h in hidden:
        assert client.get(reverse("publications_public:document", args=[h.pk])).status_code == 404
        assert client.get(f"/api/publications/{h.pk}").status_code == 404
    # The index itself holds only the public one.
    assert [hit.id for hit in search.query(WORD).hits] == [public.pk]


def test_withdrawing_removes_from_search_after_commit(
    client, docs, demo, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from gongkai.publications import services

    public, _ = docs
    url = reverse("publications_public:document", args=[public.pk])
    assert client.get(url).status_code == 200  # now in the page cache
    head = get_user_model().objects.get(username="head")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(head, public, "内容有误")
    assert search.query(WORD).total == 0
    assert client.get(url).status_code == 404


def test_document_page_shows_the_metadata_block(client, docs):
    public, _ = docs
    html = client.get(reverse("publications_public:document", args=[public.pk])).content.decode()
    for label in ["索引号", "分类", "发布机构", "发文日期", "文号", "主题词", "有效性"]:
        assert f"<dt>{label}</dt>" in html
    assert public.index_number in html
    assert "青教发〔2024〕7号" in html
    assert "2024-03-01" in html
    assert "现行有效" in html


def test_search_page_escapes_document_text(client, make_pub):
    doc = make_pub("网页安全说明", "示例<script>alert('x')</script>网页安全结束")
    html = client.get(reverse("publications_public:search"), {"q": "网页安全"}).content.decode()
    assert reverse("publications_public:document", args=[doc.pk]) in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<mark>网页安全</mark>" in html


def test_traditional_query_on_the_portal_finds_simplified_document(client, docs):
    public, _ = docs
    html = client.get(reverse("publications_public:search"), {"q": "綠色出行補貼"}).content.decode()
    assert reverse("publications_public:document", args=[public.pk]) in html


def test_exact_document_number_lookup_and_agency_filter(client, docs, demo, make_pub):
    public, _ = docs
    other = make_pub("其他机关的通知", f"{WORD}", agency_key="青山市")
    resp = client.get("/api/publications/search", {"q": "青教发[2024]7号"}).json()
    assert resp["items"][0]["id"] == public.pk and resp["items"][0]["exact"]
    resp = client.get(
        "/api/publications/search", {"q": WORD, "agency": demo["青山市:教育局"].pk}
    ).json()
    assert [i["id"] for i in resp["items"]] == [public.pk]
    # A city's search covers its departments (subtree).
    resp = client.get("/api/publications/search", {"q": WORD, "agency": demo["青山市"].pk}).json()
    assert {i["id"] for i in resp["items"]} == {public.pk, other.pk}


def test_catalogue_filters(client, make_pub, demo):
    from datetime import date

    a = make_pub("二〇二三年通知", "正文", issued_on=date(2023, 5, 1))
    b = make_pub("规范性文件", "正文", kind="normative_document", validity="repealed")
    url = reverse("publications_public:catalogue", args=[demo["青山市:教育局"].pk])
    doc = lambda p: reverse("publications_public:document", args=[p.pk])  # noqa: E731
    html = client.get(url, {"year": 2023}).content.decode()
    assert doc(a) in html and doc(b) not in html
    html = client.get(url, {"validity": "repealed"}).content.decode()
    assert doc(b) in html and doc(a) not in html
    html = client.get(url, {"kind": "normative_document"}).content.decode()
    assert doc(b) in html and doc(a) not in html
    html = client.get(url, {"column": a.column_id}).content.decode()
    assert doc(a) in html
    # Nonsense filter values are ignored, never a crash.
    assert client.get(url, {"year": "abc", "kind": "x", "page": "-3"}).status_code == 200
    assert (
        client.get(reverse("publications_public:search"), {"q": "", "agency": "x"}).status_code
        == 200
    )


def test_api_detail_and_list(client, docs):
    public, _ = docs
    data = client.get(f"/api/publications/{public.pk}").json()
    assert data["index_number"] == public.index_number
    assert data["validity"] == "in_force"
    listing = client.get("/api/publications/", {"kind": "normative_document"}).json()
    assert [i["id"] for i in listing["items"]] == [public.pk]


def test_sitemap_index_and_feed_are_well_formed(client, docs):
    from xml.etree import ElementTree

    public, _ = docs
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    assert root.tag.endswith("sitemapindex")
    feed = client.get(
        reverse("publications_public:column_feed", args=[public.agency_id, public.column_id])
    )
    assert feed["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(feed.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1


def test_reindex_task_rebuilds_from_the_database(docs):
    from gongkai.search import SearchDoc
    from gongkai.search.tasks import reindex

    public, hidden = docs
    search.backend().clear()
    # A stale entry (say, left by a crash) for a document that is not public.
    search.index_documents([SearchDoc(hidden[0].pk, public.agency_id, None, 2024, WORD, WORD)])
    assert search.query(WORD).total == 1
    assert reindex.call(ids=None) == 1
    assert [h.id for h in search.query(WORD).hits] == [public.pk]
    assert reindex.call(ids=[public.pk, hidden[1].pk]) == 1


def test_cached_document_page_carries_each_visitors_own_csrf_token(client, docs):
    from django.test import Client

    public, _ = docs
    url = reverse("publications_public:document", args=[public.pk])
    first = client.get(url)
    other = Client()
    second = other.get(url)
    assert "gongkai-csrf-slot" not in second.content.decode()
    token = second.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    # The token in the form belongs to this visitor's cookie: the language switch works.
    other_csrf = Client(enforce_csrf_checks=True)
    other_csrf.cookies = other.cookies
    resp = other_csrf.post(
        "/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": token}
    )
    assert resp.status_code == 302
    assert first.status_code == 200


def test_bulk_changes_are_indexed_in_the_background(db, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from gongkai.search import hooks

    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        hooks.schedule(range(1, hooks.INLINE_LIMIT + 2))
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    assert task.task_path.endswith("search.tasks.reindex")
    assert len(task.args_kwargs["kwargs"]["ids"]) == hooks.INLINE_LIMIT + 1


def test_attachment_text_is_searchable(make_pub, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from gongkai.publications.models import Attachment

    pub = make_pub("附件测试通知", "正文见附件。")
    with django_capture_on_commit_callbacks(execute=True):
        Attachment.objects.create(
            publication=pub,
            file=ContentFile(b"%PDF-1.4", name="a.pdf"),
            original_name="实施细则.pdf",
            size=8,
            content_type="application/pdf",
            extracted_text="第三条 城乡居民基本养老保险待遇按月发放。",
        )
    assert [h.id for h in search.query("养老保险待遇").hits] == [pub.pk]
