"""Bulk (re)indexing: the same index as the incremental path, and nothing left behind on
failure (PostgreSQL: the GIN indexes; SQLite: the pragmas and FTS5 options)."""

import random

import pytest
from django.db import connection

from gongkai import search
from gongkai.search import text
from gongkai.search.backends.base import Filters
from tests.search.test_engine import doc, random_corpus, truth

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_index():
    # search_entry is no Django model: a transactional test's flush leaves it alone.
    search.backend().clear()
    yield
    search.backend().clear()


def gin_indexes() -> set[str]:
    with connection.cursor() as c:
        c.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'search_entry'"
            " AND indexdef LIKE '%%USING gin%%'"
        )
        return {r[0] for r in c.fetchall()}


def sqlite_settings() -> dict:
    with connection.cursor() as c:
        c.execute("PRAGMA cache_size")
        out = {"cache_size": c.fetchone()[0]}
        c.execute("PRAGMA temp_store")
        out["temp_store"] = c.fetchone()[0]
        # Effective FTS5 settings: an absent row means FTS5's default (automerge 4, hashsize
        # 1 MiB); restoring writes the default back as a row, which is the same setting.
        out.update({"fts.automerge": 4, "fts.hashsize": 1048576})
        c.execute("SELECT k, v FROM search_fts_config WHERE k IN ('automerge', 'hashsize')")
        out.update({f"fts.{k}": int(v) for k, v in c.fetchall()})
    return out


def test_bulk_and_incremental_indexes_find_the_same_documents(monkeypatch):
    monkeypatch.setattr(search, "BATCH", 40)  # several batches and transactions
    docs = random_corpus(300, seed=11)
    b = search.backend()
    # Some ids are already indexed with other text: bulk replaces them by id.
    search.index_documents([doc(i, "旧的标题", "旧的正文") for i in (5, 77, 299)])
    assert search.index_documents(docs, bulk=True) == 300
    b.optimize()
    assert b.count() == 300
    assert not search.query("旧的").total
    rnd = random.Random(3)
    for _ in range(30):
        d = rnd.choice(docs)
        r = rnd.choice(text.runs(text.normalise(d.body_text)))
        q = r[: rnd.randint(1, 2)]
        assert b.match_ids([q], Filters()) == truth(docs, q), q
    # The incremental path still works on the bulk-built index.
    search.index_documents([doc(301, "新增的通知", "新增内容")])
    assert [h.id for h in search.query("新增").hits] == [301]
    if connection.vendor == "postgresql":
        assert gin_indexes() == {"search_entry_tsv", "search_entry_ttsv"}


def test_a_failing_bulk_load_leaves_the_index_usable():
    search.index_documents([doc(1, "原有的通知", "正文")])
    before = sqlite_settings() if connection.vendor == "sqlite" else None

    def docs():
        yield from random_corpus(10, seed=2)[1:]
        raise RuntimeError("数据库读取失败")

    with pytest.raises(RuntimeError):
        search.index_documents(docs(), bulk=True)
    if connection.vendor == "postgresql":
        # One transaction: the indexes are back and nothing of the load was written.
        assert gin_indexes() == {"search_entry_tsv", "search_entry_ttsv"}
        assert search.backend().count() == 1
    else:
        assert sqlite_settings() == before
    assert [h.id for h in search.query("原有").hits] == [1]


def test_tsvector_binary_holds_exactly_the_index_tokens():
    import struct

    from gongkai.search.backends.postgres import tsvector_binary

    samples = [
        "",
        "，。",
        "a",
        "政府信息公开条例，第十九条。",
        "ＡＢＣ１２３ 體育館\u3000義務教育",  # full width, traditional: normalised first
        "𠀀𠀁和𠀂",  # beyond the BMP
        "收费标准 2024年 abc-def_ghi",
    ]
    samples += [d.heading + "\n" + d.body_text for d in random_corpus(30, seed=5)]
    for s in samples:
        data = tsvector_binary(s)
        (n,) = struct.unpack("!i", data[:4])
        lexemes = data[4:].decode("utf-8").split("\0\0\0")
        assert lexemes[-1] == ""
        assert len(lexemes) - 1 == n == len(set(lexemes[:-1]))
        assert set(lexemes[:-1]) == set(text.index_tokens(s).split()), s
