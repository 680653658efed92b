"""Text processing shared by both search backends (pure Python, no Django).

Why this design (figures from bench/search_bench.py and the profiling notes in bench/README.md)
-------------------------------------------------------------------------------------------
Chinese has no spaces, and the portal must find *every* document that contains what a citizen
typed, even one or two characters (Art. 24: search is a legal duty, so a missed document is a
defect, not a ranking nuance). A word index cannot promise that: the segmenter may cut
"信息公开" differently inside a sentence than in the query. So the index holds **every
character and every pair of adjacent characters** of each document (fts5_tokens /
index_tokens, built with UTF-32 arrays at C speed), without positions:

* a one- or two-character query word is a single token: the index answers it exactly;
* a longer word asks for all its pairs (word_tokens) and the candidates are confirmed on the
  normalised text (confirm_words): SQLite ``instr`` on search_entry, PostgreSQL ``strpos``.
  Substring semantics for any length, recall 1.0 by construction.

* SQLite: a contentless FTS5 table with ``detail=none`` (backends/sqlite.py). Measured on the
  same 10,000 documents: ~200 µs of FTS5 work a document against ~410 µs for the previous
  design (characters and pairs with positions), which indexed ~1,300 documents/s.
* PostgreSQL: a tsvector of the distinct tokens (no positions: phrase positions are capped at
  16,383 and 256 per lexeme, which would silently lose matches), GIN-indexed.

The price of dropping positions: a long word whose pairs are all common but which itself is
rare (e.g. "开工作纳": 5,157 candidates, 904 matches in 20,000 documents) reads every
candidate's text (~6–8 µs each). Counts of such words stop at 1,000 (base.RANK_CAP).

Segmentation (rjieba, ~20× faster than jieba with the same dictionary) splits a query into
words that must all occur (AND), so "义务教育收费标准" also finds "义务教育阶段收费标准";
single-character pieces are glued to a neighbour.

Normalisation (documents and queries alike): NFKC (full-width → ASCII), lower case, and
traditional → simplified with OpenCC's character table (``TSCharacters.txt`` of
opencc-python-reimplemented). One character maps to one character, so offsets line up for
highlighting; a regex character class first checks whether anything would change (~6 µs a
document against ~45 µs for ``str.translate``), so ~98% of documents pass through untouched. OpenCC's phrase segmentation (~2 MB/s) would be
slower than indexing needs, and matching only needs both sides mapped the same way.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    import opencc

    t2s: dict[str, str] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" not in line:
            continue
        src, dst = line.split("\t", 1)
        dst = dst.split()[0] if dst.split() else src
        if len(src) == 1 and len(dst) == 1 and src != dst:
            t2s[src] = dst
    table: dict[str, str] = {}
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        n = unicodedata.normalize("NFKC", c).lower()
        n = "".join(t2s.get(x, x) for x in n)
        # Punctuation that stays punctuation separates words either way: leave it.
        if n != c and (_WORD.search(c) or _WORD.search(n)):
            table[c] = n
    table[SEP] = " "  # the separator token never comes from text
    return table


@lru_cache(maxsize=1)
def _tables() -> tuple[list[str], list[str], list[str]]:
    """``str.translate`` tables indexed by code point (a list: every lookup hits, which is
    ~3× faster than a dict whose misses raise internally). The first normalises; the second
    also turns every non-letter/digit into SEP (FTS5 character columns); the third turns them
    into spaces (token lists)."""
    norm = [chr(i) for i in range(0x10000)]
    for c, n in _table().items():
        if ord(c) < 0x10000:
            norm[ord(c)] = n
    index = [n if _RUN.fullmatch(n) else _GAPS.sub(SEP, n) for n in norm]
    index[ord(SEP)] = SEP
    spaced = [n.replace(SEP, " ") for n in index]
    return norm, index, spaced


@lru_cache(maxsize=1)
def _changes() -> re.Pattern:
    """Finds a character that normalisation rewrites (a regex character class, ~6 µs for a
    1,300-character document against ~45 µs for the translation itself)."""
    keys = sorted(c for c in _table() if ord(c) < 0x10000)  # the translate tables' range
    return re.compile("[" + re.escape("".join(keys)) + "]")


def normalise(text: str) -> str:
    """NFKC + lower case + traditional→simplified, character by character. Text without any
    character to rewrite (~98% of documents) is returned as it is."""
    text = text or ""
    return text.translate(_tables()[0]) if _changes().search(text) else text


def normalised_or_none(text: str) -> str | None:
    """The normalised text, or None when normalisation leaves it unchanged."""
    return text.translate(_tables()[0]) if _changes().search(text or "") else None


def normalise_aligned(text: str) -> tuple[str, list[int] | None]:
    """Normalised text and, when lengths differ, the original offset of each output char."""
    norm = normalise(text)
    if len(norm) == len(text):
        return norm, None
    table = _table()
    out: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        n = table.get(c, c)
        out.append(n)
        offsets.extend([i] * len(n))
    offsets.append(len(text))
    return "".join(out), offsets


# Letters and digits (Unicode L*/N*) form runs; everything else separates. FTS5's unicode61
# tokenizer uses the same classes (plus private-use characters, which SEP is).
_RUN = re.compile(r"[^\W_]+")
_WORD = re.compile(r"[^\W_]")
_GAPS = re.compile(r"[\W_]+")
SEP = "\ue000"


def runs(norm: str) -> list[str]:
    return _RUN.findall(norm)


def char_tokens(text: str) -> str:
    """The FTS5 text of one field: normalised characters, space-separated, every other
    character one SEP (two C-speed passes)."""
    return " ".join((text or "").translate(_tables()[1]))


_SPACE = array("I", [32])


def _chars_and_pairs(s: str) -> str:
    """Every character and every pair of adjacent ones of ``s``, space-separated, built as
    UTF-32 arrays with slice assignment (C speed; building the pairs as Python strings and
    de-duplicating them ran at ~1,800 documents/s, this at ~15,000)."""
    a = array("I")
    a.frombytes(s.encode("utf-32-le"))
    out = _SPACE * (5 * len(a))  # per character i: c[i], " ", c[i], c[i+1], " "
    out[0::5] = a
    out[2::5] = a
    a.append(32)
    out[3::5] = a[1:]
    return out.tobytes().decode("utf-32-le")


@lru_cache(maxsize=1)
def _word_table():
    """Per code point: does it stay a letter/digit in the token text (index_tokens)? For text
    that normalisation leaves alone, this replaces the ``str.translate`` pass."""
    import numpy as np

    spaced = _tables()[2]
    word = np.ones(0x110000, dtype=bool)  # beyond the BMP the tables leave characters alone
    word[: len(spaced)] = [spaced[i] == chr(i) and i != 32 for i in range(len(spaced))]
    return word


def _distinct(v):
    """Sorted distinct values (np.unique's hash-based path is ~2× slower on ~1,000 values)."""
    import numpy as np

    v = np.sort(v)
    if len(v) < 2:
        return v
    keep = np.empty(len(v), dtype=bool)
    keep[0] = True
    np.not_equal(v[1:], v[:-1], out=keep[1:])
    return v[keep]


def token_keys(s: str):
    """The distinct tokens of index_tokens(s) as sorted numpy uint64 keys: a character c is
    c << 32, a pair c1 c2 is c1 << 32 | c2 (no word character is NUL), so the sort order is
    the UTF-8 byte order of the tokens (PostgreSQL's lexeme order). ~100 µs for a
    1,300-character document, against ~300 µs for a Python set of the token strings."""
    import numpy as np

    s = s or ""
    if _changes().search(s):
        a = np.frombuffer(s.translate(_tables()[2]).encode("utf-32-le"), dtype=np.uint32)
        word = a != 32
    else:
        a = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
        word = _word_table()[a]
    return _keys(a, word)


def _keys(a, word, high=None):
    """Sorted distinct keys of the word characters of ``a`` (UTF-32 code points) and of
    their adjacent pairs; ``high`` (an array like ``a``, token_keys_many's text numbers) is
    or-ed into each."""
    import numpy as np

    both = word[:-1] & word[1:]
    chars = a[word].astype(np.uint64) << 32
    pairs = (a[:-1][both].astype(np.uint64) << 32) | a[1:][both]
    if high is not None:
        chars |= high[word]
        pairs |= high[:-1][both]
    return _distinct(np.concatenate([chars, pairs]))


# token_keys of several texts at once (token_keys_many): the text's number sits above the
# token's bits (a pair c1 << 32 | c2 takes 53), so one sort orders by text, then token.
_TEXT_SHIFT = 53
_MANY = 1 << (64 - _TEXT_SHIFT)


def token_keys_many(texts: list[str]):
    """token_keys of each text, computed together: ``(keys, counts)``, the texts' keys one
    after another and how many each has. numpy's fixed cost per call (~45 µs, more than a
    60-character title's own work) is paid once a batch instead of once a text. For short
    texts (titles): one sort of many long texts costs more than one sort each."""
    import numpy as np

    keys, counts = [np.zeros(0, dtype=np.uint64)], [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(texts), _MANY):
        # Each text translated alone (a normalised text may change length), then joined by
        # a space, which no token spans.
        parts = [(t or "").translate(_tables()[2]) for t in texts[start : start + _MANY]]
        a = np.frombuffer(" ".join(parts).encode("utf-32-le"), dtype=np.uint32)
        sizes = np.fromiter((len(p) + 1 for p in parts), dtype=np.int64, count=len(parts))
        which = np.repeat(np.arange(len(parts), dtype=np.uint64), sizes)[: len(a)]
        k = _keys(a, a != 32, which << np.uint64(_TEXT_SHIFT))
        counts.append(
            np.bincount((k >> np.uint64(_TEXT_SHIFT)).astype(np.int64), minlength=len(parts))
        )
        keys.append(k & np.uint64((1 << _TEXT_SHIFT) - 1))
    return np.concatenate(keys), np.concatenate(counts)


def spell_keys(keys, end: int, n_end: int) -> str:
    """token_keys spelled out: each token's characters followed by ``n_end`` times the code
    point ``end``, all at C speed (UTF-32 laid out with numpy, then decoded)."""
    import numpy as np

    first = keys >> 32
    second = keys & 0xFFFFFFFF
    pair = second != 0
    size = 1 + n_end + pair
    ends = np.cumsum(size)
    starts = ends - size
    out = np.full(int(ends[-1]) if len(ends) else 0, end, dtype=np.uint32)
    out[starts] = first
    out[starts[pair] + 1] = second[pair]
    return out.tobytes().decode("utf-32-le")


def fts5_tokens(s: str) -> str:
    """The SQLite token text of a field: its distinct characters and pairs (index_tokens,
    built from token_keys). FTS5 reads ~1,400 distinct tokens of a 1,300-character document
    instead of ~2,600 with duplicates, and the writer is the one thread a SQLite load cannot
    spread: its tokenizer and pending-terms hash cost per token, while this runs ahead of it
    (a helper thread, or worker processes in a bulk load; base.prepared_batches)."""
    return spell_keys(token_keys(s), 32, 1)


def index_tokens(text: str) -> str:
    """The same tokens, distinct, for PostgreSQL's tsvector input, which splits on spaces
    only: punctuation becomes a space first. De-duplicating here (~70 µs a document) saves
    the server ~600 µs of tsvector parsing: it parses each duplicate before sorting them out
    (measured with COPY: 1,000 rows/s with duplicates, 2,800/s without)."""
    return " ".join(set(_chars_and_pairs((text or "").translate(_tables()[2])).split()))


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba

    return rjieba


def warm() -> None:
    """Load what a process's first query would otherwise wait for: rjieba's dictionary
    (~170 ms, built when the module is imported) and the normalisation tables. Web server
    processes call it at start (gongkai/wsgi.py); commands that never search do not pay."""
    _segmenter()
    _tables()


@dataclass
class ParsedQuery:
    """A query as a list of words that must all occur (each a normalised substring)."""

    words: list[str] = field(default_factory=list)
    raw: str = ""

    def __bool__(self) -> bool:
        return bool(self.words)


def _split_run(run: str) -> list[str]:
    if len(run) <= 2:
        return [run]
    parts = [w for w in _segmenter().cut(run) if w]
    merged: list[str] = []
    pending = ""
    for w in parts:
        w = pending + w
        pending = ""
        if len(w) == 1:
            pending = w
            continue
        merged.append(w)
    if pending:
        if merged:
            merged[-1] += pending
        else:
            merged.append(pending)
    return merged


def parse_query(q: str) -> ParsedQuery:
    raw = (q or "").strip()[:MAX_QUERY_CHARS]
    out: list[str] = []
    for run in runs(normalise(raw)):
        for w in _split_run(run):
            if w not in out:
                out.append(w)
    return ParsedQuery(words=out[:MAX_QUERY_WORDS], raw=raw)


def word_bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


def fts5_expr(words: list[str]) -> str:
    """FTS5 MATCH expression over character columns: every word as the phrase of its
    characters."""
    return " AND ".join('"' + " ".join(w) + '"' for w in words)


def word_tokens(words: list[str]) -> list[str]:
    """The index tokens every document holding all ``words`` has: a one- or two-character word
    is itself a token (exact), a longer one contributes its pairs (candidates, confirmed by
    ``confirm_words``)."""
    out: list[str] = []
    for w in words:
        for t in [w] if len(w) <= 2 else word_bigrams(w):
            if t not in out:
                out.append(t)
    return out


def confirm_words(words: list[str]) -> list[str]:
    """Words the token index cannot answer exactly (three or more characters): their pairs can
    all occur without the word, so the candidates are checked against the normalised text."""
    return [w for w in words if len(w) > 2]


def fts5_token_expr(words: list[str]) -> str:
    """FTS5 MATCH expression over the token index (search_fts): all tokens of all words."""
    return " AND ".join('"' + t + '"' for t in word_tokens(words))


def tsquery_literal(words: list[str], op: str = " & ") -> str:
    """PostgreSQL tsquery text: all characters/bigrams of every word (candidates; the exact
    substring is then checked with strpos on the normalised text)."""
    return op.join(f"'{t}'" for t in word_tokens(words))


_ASCII_BRACKETS = re.compile(r"[\[\](){}<>]")


def lookup_key(s: str) -> str:
    """Key for exact 索引号 / 文号 lookup: normalised, no spaces, brackets unified."""
    from gongkai.rules.index_numbers import normalise_document_number

    if s and s.isascii() and not _ASCII_BRACKETS.search(s):
        # Most 索引号 (e.g. 102375700/2008-00001): no 文号 pattern can match without a
        # bracket or 令/号, so parsing (~25 µs) would return the text as it is.
        return re.sub(r"\s+", "", s).upper()
    s = normalise_document_number(unicodedata.normalize("NFKC", s or "").strip())
    s = re.sub(r"\s+", "", s)
    return s.upper().replace("[", "〔").replace("]", "〕").replace("【", "〔").replace("】", "〕")
