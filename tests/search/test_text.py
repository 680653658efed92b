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
def test_every_substring_is_a_bigram_phrase_or_a_prefix(runs, data):
    doc = "，".join(runs)
    g = text.grams(doc)
    run = data.draw(st.sampled_from(runs))
    i = data.draw(st.integers(0, len(run) - 1))
    j = data.draw(st.integers(i + 1, len(run)))
    sub = run[i:j]
    if len(sub) == 1:
        assert any(t.startswith(sub) for t in g)
    else:
        phrase = text.word_bigrams(sub)
        assert any(g[k : k + len(phrase)] == phrase for k in range(len(g)))


@given(st.lists(RUN, min_size=2, max_size=4))
def test_bigram_phrases_never_cross_punctuation(runs):
    g = text.grams("、".join(runs))
    joined = runs[0][-1] + runs[1][0]
    if not any(joined in r for r in runs):
        assert joined not in g


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
