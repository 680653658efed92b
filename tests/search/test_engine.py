"""The search engine through its public interface, on whichever database the run uses."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from gongkai import search
from gongkai.search import SearchDoc, text

pytestmark = pytest.mark.django_db

NOW = datetime.now(UTC)


def doc(i, title, body="", **kw):
    kw.setdefault("agency_id", 1)
    kw.setdefault("column_id", 10)
    kw.setdefault("year", 2024)
    kw.setdefault("published_at", NOW - timedelta(days=i))
    return SearchDoc(id=i, title=title, body_text=body, **kw)


def ids(results):
    return [h.id for h in results.hits]


ALPHABET = "政府信息公开条例规定通知办法教育收费标准市县乡镇年号第的和在对"


def random_corpus(n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        parts = ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 9))) for _ in range(6)]
        body = rnd.choice(["，", "。", "、", " ", "\n"]).join(parts)
        out.append(doc(i, "".join(rnd.choice(ALPHABET) for _ in range(6)), body))
    return out


def all_ids(q, **kw):
    out, offset = [], 0
    while True:
        page = search.query(q, limit=100, offset=offset, **kw)
        out += ids(page)
        if len(page.hits) < 100:
            return out, page.total
        offset += 100


def truth(docs, word):
    return {
        d.id for d in docs if word in text.normalise(d.heading) + "\n" + text.normalise(d.body_text)
    }


def test_one_two_and_four_character_queries_find_every_substring_match():
    docs = random_corpus(150, seed=7)
    assert search.index_documents(docs) == 150
    rnd = random.Random(1)
    checked = 0
    for length in (1, 2, 3, 4):
        for _ in range(12):
            d = rnd.choice(docs)
            runs = [r for r in text.runs(text.normalise(d.body_text)) if len(r) >= length]
            if not runs:
                continue
            r = rnd.choice(runs)
            k = rnd.randint(0, len(r) - length)
            q = r[k : k + length]
            expected = truth(docs, q) if length <= 2 else None
            found, total = all_ids(q)
            got = set(found)
            assert len(found) == len(got) == total
            if expected is not None:
                assert got == expected, q
            else:
                # Longer queries are split into words that must all occur: every
                # substring match is found, and every hit contains every word.
                parsed = text.parse_query(q)
                assert truth(docs, q) <= got
                for i in got:
                    assert all(i in truth(docs, w) for w in parsed.words)
            checked += 1
    assert checked >= 40


def test_traditional_query_finds_simplified_document_and_vice_versa():
    search.index_documents(
        [
            doc(1, "关于义务教育阶段收费标准的通知", "各县区教育局：现将有关事项通知如下。"),
            doc(2, "關於調整最低工資標準的通知", "各縣（市、區）人力資源和社會保障局。"),
        ]
    )
    assert ids(search.query("義務教育")) == [1]
    assert ids(search.query("收費")) == [1]
    assert ids(search.query("工资标准")) == [2]
    assert ids(search.query("社会保障")) == [2]
    hit = search.query("收費").hits[0]
    assert "<mark>收费</mark>" in hit.title_highlight
    assert "<mark>資源</mark>" in search.query("资源").hits[0].snippet


def test_exact_lookup_by_index_number_and_document_number():
    search.index_documents(
        [
            doc(1, "甲通知", "正文", index_number="000014349/2018-00222", document_number=""),
            doc(
                2,
                "乙通知",
                "正文",
                index_number="000014349/2018-00223",
                document_number="国办函〔2020〕109号",
            ),
            doc(3, "丙通知", "见国办函〔2020〕109号", index_number="000014349/2018-00224"),
        ]
    )
    res = search.query("000014349/2018-00222")
    assert res.hits[0].id == 1 and res.hits[0].exact
    res = search.query("国办函[2020]109号")
    assert res.hits[0].id == 2 and res.hits[0].exact
    # The document that only cites the number is still found, after the exact match.
    assert ids(res) == [2, 3]
    assert not res.hits[1].exact
    assert ids(search.query("109号")) and set(ids(search.query("109号"))) == {2, 3}


def test_a_query_without_digits_is_no_lookup_key(monkeypatch):
    """索引号 and 文号 hold Arabic digits, so a word query skips the exact lookup; one with
    digits still makes it."""
    search.index_documents([doc(1, "教育收费通知", index_number="000014349/2018-00222")])
    b = search.backend()
    probes = []
    real = type(b).exact
    monkeypatch.setattr(
        type(b), "exact", lambda self, key, f: probes.append(key) or real(self, key, f)
    )
    assert ids(search.query("教育收费")) == [1]
    assert probes == []
    assert search.query("000014349/2018-00222").hits[0].exact
    assert probes == ["000014349/2018-00222"]


def test_filters_by_agency_column_and_year():
    search.index_documents(
        [
            doc(1, "教育收费公示", agency_id=1, column_id=10, year=2023),
            doc(2, "教育收费公示", agency_id=2, column_id=20, year=2024),
            doc(3, "教育收费公示", agency_id=2, column_id=21, year=2024),
            doc(4, "卫生健康公示", agency_id=2, column_id=21, year=2024),
        ]
    )
    assert set(ids(search.query("教育收费", agency_ids=[2]))) == {2, 3}
    assert set(ids(search.query("教育收费", agency_ids=[1, 2]))) == {1, 2, 3}
    assert ids(search.query("教育收费", agency_ids=[])) == []
    assert ids(search.query("教育收费", column_id=21)) == [3]
    assert ids(search.query("公示", year=2023)) == [1]
    assert set(ids(search.query("公示", agency_ids=[2], year=2024))) == {2, 3, 4}
    # Filters also bound an exact lookup.
    many = list(range(1000, 1300))
    assert set(ids(search.query("教育收费", agency_ids=many + [2]))) == {2, 3}


def test_snippet_and_title_escape_html():
    search.index_documents(
        [doc(1, "<b>公开</b>目录", "前文<script>alert('公开')</script>后文 & 其他")]
    )
    hit = search.query("公开").hits[0]
    assert "<script>" not in hit.snippet and "<b>" not in hit.title_highlight
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>公开</mark>" in hit.snippet
    assert "&amp;" in hit.snippet
    assert hit.title_highlight == "&lt;b&gt;<mark>公开</mark>&lt;/b&gt;目录"


def test_title_matches_rank_above_body_matches_and_recent_above_old():
    search.index_documents(
        [
            doc(1, "年度工作要点", "本文件涉及政务公开工作。" * 3),
            doc(2, "政务公开工作要点", "本年度的工作安排。"),
            doc(
                3, "政务公开工作要点", "本年度的工作安排。", published_at=NOW - timedelta(days=2000)
            ),
        ]
        # bm25 needs documents without the term to tell matches apart.
        + [doc(i, "其他通知", "本年度的其他安排。") for i in range(10, 40)]
    )
    assert ids(search.query("政务公开")) == [2, 3, 1]


def test_reindex_replaces_and_remove_deletes():
    search.index_documents([doc(1, "旧标题", "正文内容")])
    search.index_documents([doc(1, "新标题", "正文内容")])
    assert ids(search.query("旧标题")) == []
    assert ids(search.query("新标题")) == [1]
    assert search.query("正文").total == 1
    search.remove([1])
    assert search.query("正文").total == 0


def test_pagination_and_empty_queries():
    search.index_documents([doc(i, f"通知第{i}号", "公开") for i in range(1, 26)])
    first = search.query("通知", limit=10)
    second = search.query("通知", limit=10, offset=10)
    third = search.query("通知", limit=10, offset=20)
    assert first.total == 25
    assert len(set(ids(first)) | set(ids(second)) | set(ids(third))) == 25
    assert search.query("").total == 0
    assert search.query("，。；").hits == []
    assert search.query("不存在的词语").total == 0


def test_phrases_do_not_cross_punctuation_or_fields():
    search.index_documents([doc(1, "政府", "信息，公开。条例"), doc(2, "通知", "政府信息公开条例")])
    assert ids(search.query("府信")) == [2]
    assert ids(search.query("息公")) == [2]
    assert ids(search.query("开条")) == [2]
    assert set(ids(search.query("信息"))) == {1, 2}
    assert set(ids(search.query("政府 条例"))) == {1, 2}
