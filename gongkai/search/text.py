"""Text processing shared by both search backends (pure Python, no Django).

Why this design
---------------
Chinese has no spaces, and the portal must find *every* document that contains what a citizen
typed, even one or two characters (Art. 24: search is a legal duty, so a missed document is a
defect, not a ranking nuance). Segmentation alone cannot promise that: a word segmenter may cut
"信息公开" differently inside a sentence than in the query. So each document is indexed as

* character **bigrams** of every run of letters/digits, in order, with the run's last character
  as a unigram after them (``"abc"`` → ``ab bc c``). Any substring of length ≥ 2 is then the
  phrase of its bigrams, and any single character ``x`` occurs either as ``x?`` or as the final
  ``x``: the prefix query ``x*`` finds it. Recall against substring truth is exact by
  construction (on normalised text).
* segmented **words** (rjieba ``cut_for_search``; ~20× faster than jieba with the same dictionary,
  see bench/search_bench.py) appended after the bigrams, so a query word that the segmenter also
  saw as a word in the document scores higher (bm25 counts it twice) — segmentation drives
  ranking and query splitting, bigrams guarantee recall.

Queries are normalised the same way, split on spaces and punctuation, each run segmented into
words (single characters glued to a neighbour), and every word must occur (AND).

Normalisation (documents and queries alike): NFKC (full-width → ASCII), case-fold, and
traditional → simplified with OpenCC's character table (``TSCharacters.txt`` of
opencc-python-reimplemented). The character table maps one character to one character, so
offsets line up for highlighting, and ``str.translate`` runs at C speed (OpenCC's phrase
segmentation is ~2 MB/s, slower than indexing needs). Matching only needs both sides mapped
the same way, which this guarantees.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 12


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
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
    table: dict[int, str] = {}
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        n = unicodedata.normalize("NFKC", c).lower()
        n = "".join(t2s.get(x, x) for x in n)
        if n != c:
            table[cp] = n
    return table


def normalise(text: str) -> str:
    """NFKC + lower case + traditional→simplified, character by character."""
    return (text or "").translate(_table())


def normalise_aligned(text: str) -> tuple[str, list[int] | None]:
    """Normalised text and, when lengths differ, the original offset of each output char."""
    norm = normalise(text)
    if len(norm) == len(text):
        return norm, None
    table = _table()
    out: list[str] = []
    offsets: list[int] = []
    for i, c in enumerate(text):
        n = table.get(ord(c), c)
        out.append(n)
        offsets.extend([i] * len(n))
    offsets.append(len(text))
    return "".join(out), offsets


# Letters and digits (Unicode L*/N*) form runs; everything else separates. FTS5's unicode61
# tokenizer uses the same classes, so a token we emit is never split again.
_RUN = re.compile(r"[^\W_]+")


def runs(norm: str) -> list[str]:
    return _RUN.findall(norm)


def grams(norm: str) -> list[str]:
    out: list[str] = []
    for run in runs(norm):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
        out.append(run[-1])
    return out


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba

    return rjieba


def words(norm: str) -> list[str]:
    """Segmented words of 2+ characters (single characters are covered by the grams)."""
    seg = _segmenter()
    return [w for w in seg.cut_for_search(norm) if len(w) > 1 and _RUN.fullmatch(w)]


def tokens(text: str) -> str:
    """The index text of one field: bigrams in order, then words, space-separated."""
    norm = normalise(text)
    return " ".join(grams(norm) + words(norm))


def distinct_tokens(text: str) -> set[str]:
    """Bigrams, run-final unigrams, every character and the words: for PostgreSQL (no phrases)."""
    norm = normalise(text)
    out = set(grams(norm)) | set(words(norm))
    for run in runs(norm):
        out.update(run)
    return out


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
    """FTS5 MATCH expression: each word a prefix (1 char) or a bigram phrase (2+ chars)."""
    parts = []
    for w in words:
        if len(w) == 1:
            parts.append(f'"{w}"*')
        else:
            parts.append('"' + " ".join(word_bigrams(w)) + '"')
    return " AND ".join(parts)


def tsquery_literal(words: list[str], op: str = " & ") -> str:
    """PostgreSQL tsquery text: all characters/bigrams of every word (candidates; the exact
    substring is then checked with strpos on the normalised text)."""
    lexemes: list[str] = []
    for w in words:
        for t in [w] if len(w) == 1 else word_bigrams(w):
            if t not in lexemes:
                lexemes.append(t)
    return op.join(f"'{t}'" for t in lexemes)


def tsvector_literal(title: str, body: str) -> str:
    """A tsvector literal: title lexemes carry weight A (ranking's title boost), body ones D."""
    t = distinct_tokens(title)
    b = distinct_tokens(body)
    parts = []
    for lex in sorted(t | b):
        pos = []
        if lex in t:
            pos.append("1A")
        if lex in b:
            pos.append("2")
        parts.append(f"'{lex}':{','.join(pos)}")
    return " ".join(parts)


def lookup_key(s: str) -> str:
    """Key for exact 索引号 / 文号 lookup: normalised, no spaces, brackets unified."""
    from gongkai.rules.index_numbers import normalise_document_number

    s = normalise_document_number(unicodedata.normalize("NFKC", s or "").strip())
    s = re.sub(r"\s+", "", s)
    return s.upper().replace("[", "〔").replace("]", "〕").replace("【", "〔").replace("】", "〕")
