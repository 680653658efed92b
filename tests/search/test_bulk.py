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


def assert_finds_substrings(b, docs, seed: int, longest: int, queries: int = 30) -> None:
    """Queries cut from the documents' own text find exactly the documents holding them."""
    rnd = random.Random(seed)
    for _ in range(queries):
        d = rnd.choice(docs)
        r = rnd.choice(text.runs(text.normalise(d.body_text)))
        q = r[: rnd.randint(1, longest)]
        assert b.match_ids([q], Filters()) == truth(docs, q), q


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
    assert_finds_substrings(b, docs, seed=3, longest=2)
    # The incremental path still works on the bulk-built index.
    search.index_documents([doc(301, "新增的通知", "新增内容")])
    assert [h.id for h in search.query("新增").hits] == [301]
    if connection.vendor == "postgresql":
        assert gin_indexes() == {"search_entry_tsv", "search_entry_ttsv"}


def test_many_batches_outside_a_transaction_go_to_worker_processes(monkeypatch):
    """An import (the reindex task) on the incremental path: more than MANY_BATCHES batches
    are written by write_many (PostgreSQL: several connections; SQLite: tokenised in worker
    processes) and give the same index as one batch at a time."""
    from django.db import transaction

    monkeypatch.setattr(search, "BATCH", 30)
    b = search.backend()
    calls = []
    real = type(b).write_many
    monkeypatch.setattr(
        type(b), "write_many", lambda self, batches: calls.append(1) or real(self, batches)
    )
    docs = random_corpus(240, seed=21)  # 8 batches
    # Some ids are already indexed with other text: replaced by id, as one at a time would.
    search.index_documents([doc(i, "旧的标题", "旧的正文") for i in (3, 100, 240)])
    assert calls == []  # one batch: the calling process
    assert search.index_documents(docs) == 240
    assert calls == [1]
    assert b.count() == 240
    assert not search.query("旧的").total
    assert_finds_substrings(b, docs, seed=5, longest=4)
    # Inside a transaction the caller's transaction holds every write: no worker processes.
    more = [doc(1000 + i, "事务中的通知", "正文") for i in range(200)]
    with transaction.atomic():
        assert search.index_documents(more) == 200
    assert calls == [1]
    assert search.query("事务中").total == 200


@pytest.mark.postgres_only
def test_an_id_twice_among_many_batches_is_refused(monkeypatch):
    monkeypatch.setattr(search, "BATCH", 10)
    docs = random_corpus(60, seed=8)
    with pytest.raises(ValueError):
        search.index_documents([*docs, doc(7, "重复", "重复")])
    assert not search.query("重复").total


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


def test_a_batch_of_tsvectors_is_each_text_on_its_own():
    """tsvectors_binary tokenises short texts together and spells everything in one pass:
    each result must be that text's alone, whatever stands beside it."""
    from gongkai.search.backends.postgres import SHORT, tsvectors_binary

    corpus = random_corpus(40, seed=9)
    texts = ["", "政", "a b", "，。", "𠀀𠀁和𠀂", "體育館 ＡＢＣ", "x" * SHORT, "收" * (SHORT + 1)]
    texts += [d.heading for d in corpus] + [d.heading + "\n" + d.body_text for d in corpus]
    random.Random(2).shuffle(texts)
    for t, data in zip(texts, tsvectors_binary(texts), strict=True):
        lexemes = [x.decode("utf-8") for x in data[4:].split(b"\0\0\0")[:-1]]
        assert int.from_bytes(data[:4], "big") == len(lexemes), t
        assert lexemes == sorted(set(text.index_tokens(t).split()), key=str.encode), t
    assert tsvectors_binary([]) == []


def test_tsvector_binary_sends_lexemes_in_the_servers_order():
    """tsvectorrecv sorts lexemes that arrive out of order (bytewise, a prefix first): sent
    in that order the server skips the sort."""
    from gongkai.search.backends.postgres import tsvector_binary

    for s in ["a ab abc 政府 政 府政", "ＡＢＣ１２３ 體育館\u3000義務教育", "𠀀𠀁和𠀂 z", "收费"]:
        lexemes = [x for x in tsvector_binary(s)[4:].split(b"\0\0\0") if x]
        assert lexemes == sorted(lexemes), s


def layout() -> dict:
    from gongkai.search.backends import postgres as pg

    with connection.cursor() as c:
        c.execute(
            "SELECT c.relname, c.relkind FROM pg_class c"
            " JOIN pg_namespace ns ON ns.oid = c.relnamespace"
            " WHERE ns.nspname = current_schema() AND starts_with(c.relname, 'search_entry')"
            " AND c.relkind IN ('r', 'p', 'i', 'I')"
        )
        rels = dict(c.fetchall())
        c.execute(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = to_regclass(%s)"
            " AND attname = 'tsv'",
            [f"{pg.TABLE}_p0"],
        )
        row = c.fetchone()
        compression = row[0] if row else None
    return {"rels": rels, "tsv_compression": compression}


@pytest.mark.postgres_only
@pytest.mark.parametrize("workers", [1, 2])
def test_bulk_load_lays_out_partitions_with_every_index(workers):
    from gongkai.search.backends import postgres as pg

    docs = random_corpus(120, seed=4)
    b = search.backend()
    assert b.bulk_load([docs[:50], docs[50:]], workers=workers) == 120
    got = layout()
    rels = got["rels"]
    assert rels["search_entry"] == "p"
    assert all(rels[f"search_entry_p{i}"] == "r" for i in range(pg.PARTITIONS))
    # Exactly the declared indexes: the parent's attach the partitions' (none built twice).
    expected = {f"search_entry_{suffix}": "I" for suffix in ["pkey", *pg.INDEXES]}
    expected |= {
        f"search_entry_p{i}_{suffix}": "i"
        for suffix in ["pkey", *pg.INDEXES]
        for i in range(pg.PARTITIONS)
    }
    assert {r: k for r, k in rels.items() if k in ("i", "I")} == expected
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass('search_entry_pkey')"
        )
        assert c.fetchone()[0] == pg.PARTITIONS
    assert not [r for r in rels if r.startswith(pg.LOAD)]
    assert got["tsv_compression"] == "l"  # lz4
    with connection.cursor() as c:  # autovacuum was off for the load only
        c.execute(
            "SELECT count(*) FROM pg_class WHERE starts_with(relname, 'search_entry')"
            " AND array_to_string(reloptions, ',') LIKE '%%autovacuum%%'"
        )
        assert c.fetchone()[0] == 0
    for q in ["政府", "信", "条例规定"]:
        assert b.match_ids([q], Filters()) == truth(docs, q), q
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):  # the primary key holds across partitions
        with connection.cursor() as c:
            c.execute("INSERT INTO search_entry SELECT * FROM search_entry_p0 LIMIT 1")


@pytest.mark.postgres_only
def test_searches_go_on_while_a_bulk_load_runs_and_writers_wait(monkeypatch):
    monkeypatch.setattr(search, "BATCH", 5)
    import psycopg

    search.index_documents([doc(1, "原有的通知", "正文")])
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k not in ("cursor_factory", "context")
    }
    seen = {}

    def docs():
        batch = random_corpus(20, seed=9)[1:]
        yield from batch[:10]
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SET statement_timeout = '5s'")
            seen["count"] = other.execute("SELECT count(*) FROM search_entry").fetchone()[0]
            other.execute("SET lock_timeout = '200ms'")
            try:
                other.execute("DELETE FROM search_entry WHERE id = 1")
                seen["write"] = "done"
            except psycopg.errors.LockNotAvailable:
                seen["write"] = "waited"
        yield from batch[10:]

    assert search.index_documents(docs(), bulk=True) == 19
    assert seen == {"count": 1, "write": "waited"}
    assert search.backend().count() == 20  # the document given earlier is kept
    assert [h.id for h in search.query("原有").hits] == [1]


def test_replace_all_drops_what_the_load_did_not_bring():
    search.index_documents([doc(1, "原有的通知", "正文"), doc(2, "另一个通知", "正文")])
    search.index_documents(
        [doc(2, "新的通知", "正文"), doc(3, "第三个", "正文")], bulk=True, replace_all=True
    )
    if connection.vendor == "postgresql":
        assert search.backend().indexed_ids() == {2, 3}
    else:  # SQLite keeps the others; hooks.rebuild removes them itself
        assert search.backend().indexed_ids() == {1, 2, 3}
    assert [h.id for h in search.query("新的").hits] == [2]


@pytest.mark.postgres_only
def test_an_id_twice_in_one_bulk_load_is_refused_and_changes_nothing():
    search.index_documents([doc(1, "原有的通知", "正文")])
    with pytest.raises(ValueError):
        search.index_documents([doc(5, "甲", "乙"), doc(5, "丙", "丁")], bulk=True)
    assert search.backend().indexed_ids() == {1}
    assert not [r for r in layout()["rels"] if r.startswith("search_entry_load")]


@pytest.mark.postgres_only
def test_relayout_keeps_the_rows_of_an_unpartitioned_table():
    """Migration 0007 on a database whose table predates the partitions."""
    from gongkai.search.backends import postgres as pg

    docs = random_corpus(30, seed=6)
    search.index_documents(docs)
    b = search.backend()
    with connection.cursor() as c:  # the layout before 0007: one plain table
        c.execute("CREATE TABLE old_entry (LIKE search_entry INCLUDING DEFAULTS)")
        c.execute("INSERT INTO old_entry SELECT * FROM search_entry")
        c.execute("DROP TABLE search_entry")
        c.execute("ALTER TABLE old_entry RENAME TO search_entry")
        c.execute("ALTER TABLE search_entry ADD PRIMARY KEY (id)")
    assert layout()["rels"]["search_entry"] == "r"
    b.relayout()
    assert layout()["rels"]["search_entry"] == "p"
    assert b.count() == 30
    assert b.match_ids(["政府"], Filters()) == truth(docs, "政府")
    assert b.layout_is_current()
    b.relayout()  # laid out as declared: nothing happens
    assert b.count() == 30
    # A layout of an earlier release (here: an index since dropped, the second unique index
    # 0008 removes) is rewritten, rows kept.
    with connection.cursor() as c:
        c.execute("CREATE UNIQUE INDEX search_entry_p0_extra ON search_entry_p0 (id)")
    assert not b.layout_is_current()
    b.relayout()
    assert b.layout_is_current() and b.count() == 30
    assert "search_entry_p0_extra" not in layout()["rels"]
    assert pg.PARTITIONS == len(
        [r for r, k in layout()["rels"].items() if k == "r" and r.startswith("search_entry_p")]
    )


@pytest.mark.postgres_only
@pytest.mark.parametrize("budget", [4, 30, 5000])
@pytest.mark.parametrize("filters", [{}, {"agency_ids": [1, 3], "year": 2021}, {"column_id": 12}])
def test_broad_and_filtered_queries_page_the_same_by_every_path(monkeypatch, budget, filters):
    """A broad query (more matches than COUNT_CAP) first tests the newest WALK_BUDGET rows;
    with too few matches there it sorts the GIN candidates; a filter that leaves at most
    WALK_BUDGET rows tests each of them. Every path gives the pages of the oracle."""
    import dataclasses

    from gongkai.search.backends import postgres as pg

    monkeypatch.setattr(pg, "COUNT_CAP", 5)
    monkeypatch.setattr(pg, "WALK_BUDGET", budget)
    docs = [
        dataclasses.replace(
            d, agency_id=1 + d.id % 4, year=2020 + d.id % 3, column_id=10 + d.id % 3
        )
        for d in random_corpus(300, seed=12)
    ]
    search.index_documents(docs)
    b = search.backend()
    f = Filters(**filters)
    scope = [
        d
        for d in docs
        if (f.agency_ids is None or d.agency_id in f.agency_ids)
        and (f.year is None or d.year == f.year)
        and (f.column_id is None or d.column_id == f.column_id)
    ]
    newest = lambda ds: sorted(ds, key=lambda d: (d.published_at, d.id), reverse=True)  # noqa: E731
    for q in ["政", "信息", "条例", "公开条", "市县"]:
        words = text.parse_query(q).words
        norm = {d.id: (text.normalise(d.heading), text.normalise(d.body_text)) for d in scope}
        hits = [d for d in scope if all(w in norm[d.id][0] + "\n" + norm[d.id][1] for w in words)]
        in_title = [d for d in hits if all(w in norm[d.id][0] for w in words)]
        expected = [d.id for d in newest(in_title)] + [
            d.id for d in newest([d for d in hits if d not in in_title])
        ]
        got = []
        for offset in range(0, min(len(expected), 35), 7):
            page, total, exact = b.search(words, f, 7, offset)
            assert (total, exact) == (min(len(expected), 5), len(expected) <= 5)
            got += [i for i, _ in page]
        assert got == expected[: len(got)] and len(got) == min(len(expected), 35), q
