"""Text processing shared by both search backends (pure Python, no Django).

Why this design (figures from bench/search_bench.py and the profiling notes in bench/README.md)
-------------------------------------------------------------------------------------------
Chinese has no spaces, and the portal must find *every* document that contains what a citizen
typed, even one or two characters (Art. 24: search is a legal duty, so a missed document is a
defect, not a ranking nuance). A word index cannot promise that: the segmenter may cut
"信息公开" differently inside a sentence than in the query. So the index is **per character**:

* SQLite: each document field is stored as its normalised characters separated by spaces
  (one ``str.join``, C speed), letters/digits as tokens and every run of punctuation as one
  private-use separator token, so a phrase cannot match across "，". A query word is the
  phrase of its characters: exact substring semantics for any length, recall 1.0 by
  construction. Measured against a bigram index (every 2-character window plus segmented
  words, the first design): 3,400 vs 2,200 inserts/s and p95 6 ms vs 111 ms (one-character
  queries needed prefix scans over all bigrams starting with that character).
* PostgreSQL: the tsvector holds each distinct character and bigram (no positions: phrase
  positions are capped at 16,383 and 256 per lexeme, which would silently lose matches); the
  GIN index finds documents with all of them, and ``strpos`` on the normalised text confirms
  words of three or more characters.

Segmentation (rjieba, ~20× faster than jieba with the same dictionary) splits a query into
words that must all occur (AND), so "义务教育收费标准" also finds "义务教育阶段收费标准";
single-character pieces are glued to a neighbour.

Normalisation (documents and queries alike): NFKC (full-width → ASCII), lower case, and
traditional → simplified with OpenCC's character table (``TSCharacters.txt`` of
opencc-python-reimplemented). One character maps to one character, so offsets line up for
highlighting; only letters and digits that change are rewritten (a regex finds them), so
simplified text passes through at C speed. OpenCC's phrase segmentation (~2 MB/s) would be
slower than indexing needs, and matching only needs both sides mapped the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from operator import add
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
def _tables() -> tuple[list[str], list[str]]:
    """``str.translate`` tables indexed by code point (a list: every lookup hits, which is
    ~3× faster than a dict whose misses raise internally). The first normalises; the second
    also turns every non-letter/digit into SEP, for the index text."""
    norm = [chr(i) for i in range(0x10000)]
    for c, n in _table().items():
        if ord(c) < 0x10000:
            norm[ord(c)] = n
    index = [n if _RUN.fullmatch(n) else _GAPS.sub(SEP, n) for n in norm]
    index[ord(SEP)] = SEP
    return norm, index


def normalise(text: str) -> str:
    """NFKC + lower case + traditional→simplified, character by character."""
    return (text or "").translate(_tables()[0])


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


def bigram_tokens(text: str) -> str:
    """Every pair of adjacent normalised characters, space-separated (C-speed passes). Pairs
    that touch a separator become tokens no query asks for, so phrases never cross a gap."""
    s = (text or "").translate(_tables()[1])
    return " ".join(map(add, s, s[1:]))


def grams(norm: str) -> list[str]:
    """Bigrams of every run, then its last character (PostgreSQL lexemes, with the runs' chars)."""
    out: list[str] = []
    for run in runs(norm):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
        out.append(run[-1])
    return out


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba

    return rjieba


def distinct_tokens(text: str) -> set[str]:
    """Every character and bigram of the letter/digit runs: the PostgreSQL lexemes.

    Built with set operations on the index text (C speed): all characters and all adjacent
    pairs, minus those involving the separator."""
    s = (text or "").translate(_tables()[1])
    chars = set(s)
    out = chars | set(map(add, s, s[1:]))
    out.discard(SEP)
    out.difference_update([SEP + c for c in chars], [c + SEP for c in chars])
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
    """FTS5 MATCH expression over character columns: every word as the phrase of its
    characters."""
    return " AND ".join('"' + " ".join(w) + '"' for w in words)


def fts5_main_expr(words: list[str]) -> str:
    """FTS5 MATCH expression over search_fts: a one-character word in the character columns,
    longer words as the phrase of their bigrams in the ``grams`` column (a two-character word
    is one doclist lookup, and bigram doclists are far shorter than character ones)."""
    parts = []
    for w in words:
        if len(w) == 1:
            parts.append('{title body}: "' + w + '"')
        else:
            parts.append('grams: "' + " ".join(word_bigrams(w)) + '"')
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


def lookup_key(s: str) -> str:
    """Key for exact 索引号 / 文号 lookup: normalised, no spaces, brackets unified."""
    from gongkai.rules.index_numbers import normalise_document_number

    s = normalise_document_number(unicodedata.normalize("NFKC", s or "").strip())
    s = re.sub(r"\s+", "", s)
    return s.upper().replace("[", "〔").replace("]", "〕").replace("【", "〔").replace("】", "〕")
