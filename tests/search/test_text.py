"""Pure text processing: normalisation, n-grams and query parsing."""

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.search import text

CJK = st.sampled_from(list("政府信息公开条例规定通知办法教育收费标准市县乡镇年号第"))
RUN = st.text(alphabet=CJK, min_size=1, max_size=12)


def test_normalise_folds_width_case_and_traditional():
    assert text.normalise("政府資訊公開 ＡＢＣ１２３ 臺灣") == "政府资讯公开 abc123 台湾"


def test_normalise_keeps_length_for_cjk_so_highlights_align():
    s = "國務院辦公廳關於印發《條例》的通知"
    assert len(text.normalise(s)) == len(s)


@settings(max_examples=200)
@given(st.lists(RUN, min_size=1, max_size=4), st.data())
def test_every_substring_has_all_its_tokens_in_the_index(runs, data):
    doc = "，".join(runs)
    toks = set(text.index_tokens(doc).split())
    run = data.draw(st.sampled_from(runs))
    i = data.draw(st.integers(0, len(run) - 1))
    j = data.draw(st.integers(i + 1, len(run)))
    sub = run[i:j]
    assert set(text.word_tokens([sub])) <= toks
    # Tokens are exactly the characters and the pairs inside runs: for PostgreSQL as given,
    # for SQLite once FTS5's tokenizer has split them at punctuation (as runs() does).
    want = {c for r in runs for c in r} | {r[k : k + 2] for r in runs for k in range(len(r) - 1)}
    assert toks == want
    fts5 = text.fts5_tokens(doc).split()
    assert set(fts5) == want and len(fts5) == len(want)  # each token once


@given(st.lists(RUN, min_size=2, max_size=4))
def test_pairs_never_cross_punctuation(runs):
    toks = set(text.index_tokens("、".join(runs)).split())
    fts5 = {t for tok in text.fts5_tokens("、".join(runs)).split() for t in text.runs(tok)}
    joined = runs[0][-1] + runs[1][0]
    if not any(joined in r for r in runs):
        assert joined not in toks and joined not in fts5


def test_index_tokens_are_normalised_and_words_confirmed_only_when_longer_than_two():
    assert set(text.index_tokens("資訊ＡＢ").split()) == {"资", "资讯", "讯", "讯a", "a", "ab", "b"}
    assert set(text.fts5_tokens("資訊ＡＢ").split()) == set(text.index_tokens("資訊ＡＢ").split())
    assert text.normalise("政府信息") == "政府信息" and text.normalised_or_none("政府信息") is None
    assert text.normalised_or_none("資訊") == "资讯"
    assert text.word_tokens(["政府信息", "公", "信息"]) == ["政府", "府信", "信息", "公"]
    assert text.confirm_words(["政府信息", "公", "信息"]) == ["政府信息"]


def test_query_words_are_substrings_of_the_query():
    p = text.parse_query("義務教育收費標準  的 2020年")
    assert p.words[:3] == ["义务教育", "收费", "标准"]
    norm = text.normalise("義務教育收費標準 的 2020年")
    assert all(w in norm for w in p.words)


def test_query_with_only_punctuation_is_empty():
    assert not text.parse_query("《》，。!!")


def test_lookup_key_unifies_document_number_brackets():
    assert text.lookup_key("国办函[2020]109号") == text.lookup_key("国办函〔2020〕109号")
    assert text.lookup_key("国办函（2020）109号") == text.lookup_key("国办函〔2020〕109号")
    assert text.lookup_key(" 000014349/2018-00222 ") == "000014349/2018-00222"


def test_lookup_key_shortcut_for_plain_ascii_matches_the_full_parse(monkeypatch):
    """Plain ASCII index numbers skip the 文号 parser; the key must be what the parser gives."""
    import random

    from gongkai.search import text

    rnd = random.Random(4)
    alphabet = "0123456789abcXYZ/-_.:# \t号令〔〕[]()（）【】"
    samples = ["102375700/2008-00001", " ab-12 ", "QS(2024)3", "x[2019]1", "<1>", "a\x1cb"]
    samples += [
        "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 16))) for _ in range(3000)
    ]
    fast = [text.lookup_key(s) for s in samples]
    monkeypatch.setattr(
        text, "_ASCII_BRACKETS", type("All", (), {"search": lambda self, s: True})()
    )
    assert fast == [text.lookup_key(s) for s in samples]


def test_server_processes_load_the_segmenter_at_start_and_commands_do_not():
    """The first query of a web server process would otherwise wait ~170 ms for rjieba's
    dictionary (gongkai/wsgi.py warms it); a management command that never searches does
    not load it."""
    import subprocess
    import sys

    probe = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gongkai.settings');"
        "{imp}; print('rjieba' in sys.modules)"
    )
    runs = {
        "server": "import gongkai.wsgi",
        "command": "import django; django.setup(); import gongkai.search, gongkai.search.text",
    }
    loaded = {
        k: subprocess.run(
            [sys.executable, "-c", probe.format(imp=v)], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
        for k, v in runs.items()
    }
    assert loaded == {"server": "True", "command": "False"}
