"""Checks across a batch: near-copies of other reports, and the same agency's previous year."""

from __future__ import annotations

import re
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
                    f.message += f"（上一年报告：{Path(prev.file).name if prev.file else ''}）"
                    r.findings.append(f)


def _shingles(text: str, k: int = 8) -> set[int]:
    t = re.sub(r"\d+", "0", re.sub(r"\s+", "", text))
    # every 4th shingle is plenty to estimate overlap and keeps this cheap
    return {
        hash(t[i : i + k]) for i in range(0, max(0, len(t) - k + 1)) if hash(t[i : i + k]) % 4 == 0
    }


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of sampled 8-character shingles (digits masked)."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def near_copies(reports: list[Report], threshold: float = 0.8) -> None:
    docs = [(r, _shingles(r.text)) for r in reports if not r.error and len(r.text) > 500]
    for i in range(len(docs)):
        ri, si = docs[i]
        for j in range(i + 1, len(docs)):
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
            code = "NEAR-COPY-PREVIOUS-YEAR" if consecutive else "NEAR-COPY"
            what = "本机关上一年报告" if consecutive else "同批另一份报告"
            for r, other in ((later, earlier),) if consecutive else ((ri, rj), (rj, ri)):
                r.findings.append(
                    Finding(
                        code,
                        "warning",
                        f"与{what}（{Path(other.file).name}）文字相似度约 {sim:.0%}，疑为照抄",
                        "全文",
                        f"{Path(r.file).name} ≈ {Path(other.file).name}",
                        {"similarity": round(sim, 3), "other": other.file},
                    )
                )
