"""Checks across a batch: near-copies of other reports, and the same agency's previous year."""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable
from pathlib import Path

from gongkai.reportschema import check_cells
from gongkai.reportschema.model import Finding

from .core import Report, check

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf")


def expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in SUFFIXES)
            )
        else:
            out.append(p)
    return out


def check_many(
    paths: Iterable[str | Path], progress: bool = False, near_copy: float = 0.8
) -> list[Report]:
    files = expand(paths)
    it = files
    if progress:
        from tqdm import tqdm

        it = tqdm(files, desc="检查", unit="份", file=None)
    reports = []
    for f in it:
        if not f.exists():
            reports.append(Report(file=str(f), error="文件不存在"))
            continue
        reports.append(check(f))
    cross_year(reports)
    near_copies(reports, near_copy)
    return reports


def _short(path: str) -> str:
    """Folder and file name: batches often hold many page.txt in dated folders."""
    return "/".join(Path(path).parts[-2:]) if path else ""


def _agency_key(r: Report) -> str:
    a = re.sub(r"[()（）\s]", "", r.agency or "")
    a = re.sub(r"(管委会|管理委员会|人民政府|政府)$", "", a)
    return a


def cross_year(reports: list[Report]) -> None:
    """T3-4 and the document-stock chain between consecutive years of one agency."""
    groups: dict[str, dict[int, Report]] = {}
    for r in reports:
        if r.error or r.format not in ("2019", "2021") or not r.year or not r.agency:
            continue
        groups.setdefault(_agency_key(r), {})
        g = groups[_agency_key(r)]
        if r.year not in g or len(r.cells) > len(g[r.year].cells):
            g[r.year] = r
    for g in groups.values():
        for year, r in g.items():
            prev = g.get(year - 1)
            if not prev:
                continue
            for f in check_cells(r.format, r.cells, previous_year_cells=prev.cells):
                if f.code in ("T3-4", "T2-2"):
                    f.message += f"（上一年报告：{_short(prev.file)}）"
                    r.findings.append(f)


def _shingles(text: str, k: int = 8) -> set[int]:
    t = re.sub(r"\d+", "0", re.sub(r"\s+", "", text))
    # crc32 is stable across processes (str hash is salted); every 4th shingle is enough
    hashes = (zlib.crc32(t[i : i + k].encode("utf-8")) for i in range(max(0, len(t) - k + 1)))
    return {h for h in hashes if h % 4 == 0}


SKETCH = 16


def _candidate_pairs(sets: list[set[int]]) -> set[tuple[int, int]]:
    """Pairs whose bottom-16 sketches share ≥3 hashes: near-copies (Jaccard ≥ 0.8 shares ~13)
    are all found without comparing every pair of a large batch."""
    buckets: dict[int, list[int]] = {}
    for i, s in enumerate(sets):
        for h in sorted(s)[:SKETCH]:
            buckets.setdefault(h, []).append(i)
    counts: dict[tuple[int, int], int] = {}
    for members in buckets.values():
        if len(members) > 1:
            for a, b in itertools.combinations(members, 2):
                counts[(a, b)] = counts.get((a, b), 0) + 1
    return {p for p, c in counts.items() if c >= 3}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of sampled 8-character shingles (digits masked)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def near_copies(reports: list[Report], threshold: float = 0.8) -> None:
    docs = [(r, _shingles(r.text)) for r in reports if not r.error and len(r.text) > 500]
    for i, j in sorted(_candidate_pairs([d[1] for d in docs])):
        ri, si = docs[i]
        rj, sj = docs[j]
        if not si or not sj:
            continue
        small, big = (si, sj) if len(si) <= len(sj) else (sj, si)
        if len(small) < threshold * len(big):
            continue  # sizes too different to be near-copies
        inter = len(small & big)
        sim = inter / len(si | sj)
        if sim < threshold:
            continue
        same_agency = _agency_key(ri) == _agency_key(rj) and ri.agency
        years = sorted(y for y in (ri.year, rj.year) if y)
        consecutive = same_agency and len(years) == 2 and years[1] - years[0] == 1
        later, earlier = (ri, rj) if (ri.year or 0) >= (rj.year or 0) else (rj, ri)
        if same_agency and ri.year and ri.year == rj.year:
            # the same report twice (e.g. page.html and page.txt of one page): not a copy
            for r, other in ((ri, rj), (rj, ri)):
                r.findings.append(
                    Finding(
                        "SAME-REPORT",
                        "info",
                        f"与同批文件（{_short(other.file)}）是同一机关同一年度的报告（相似度 {sim:.0%}）",
                        "全文",
                        f"{r.file} ≈ {other.file}",
                        {"similarity": round(sim, 3), "other": other.file},
                    )
                )
            continue
        code = "NEAR-COPY-PREVIOUS-YEAR" if consecutive else "NEAR-COPY"
        what = "本机关上一年报告" if consecutive else "同批另一份报告"
        for r, other in ((later, earlier),) if consecutive else ((ri, rj), (rj, ri)):
            r.findings.append(
                Finding(
                    code,
                    "warning",
                    f"与{what}（{_short(other.file)}）文字相似度约 {sim:.0%}，疑为照抄",
                    "全文",
                    f"{_short(r.file)} ≈ {_short(other.file)}",
                    {"similarity": round(sim, 3), "other": other.file},
                )
            )
