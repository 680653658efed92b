"""`gongkai check PATH... [--json] [--out FILE.xlsx|.csv]` — no Django needed."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from gongkai.core.spreadsheet import safe_row, write_csv

from .batch import SUFFIXES, cross_year, expand, near_copies
from .core import Report, check

SEV_MARK = {"error": "✗", "warning": "!", "info": "·"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gongkai check",
        description="检查政府信息公开工作年度报告（.txt/.html/.docx/.pdf，文件或文件夹）",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="报告文件或文件夹")
    p.add_argument("--json", action="store_true", help='输出 JSON：{"reports": [...]}')
    p.add_argument("--out", metavar="FILE", help="另存为 .xlsx 或 .csv")
    p.add_argument("--no-progress", action="store_true", help="不显示进度条")
    return p


def run(paths: list[str], progress: bool = True) -> list[Report]:
    files = expand(paths)
    it = files
    if progress and len(files) > 1:
        from tqdm import tqdm

        it = tqdm(files, desc="检查", unit="份", file=sys.stderr, disable=None)
    reports = []
    for f in it:
        if not f.exists():
            reports.append(Report(file=str(f), error="文件不存在"))
        elif f.is_dir():
            continue
        else:
            reports.append(check(f))
    cross_year(reports)
    near_copies(reports)
    return reports


def summary(reports: list[Report]) -> str:
    out = []
    for r in reports:
        if r.error:
            out.append(f"{r.file}\n  ✗ 无法读取：{r.error}")
            continue
        c = r.counts
        head = (
            f"{r.file}\n  {r.agency or '（机关不详）'} · {r.year or '年度不详'} · 格式 {r.format}"
        )
        if r.script == "traditional":
            head += " · 繁体"
        head += f" · 单元格 {len(r.cells)} · 错误 {c['error']} 警告 {c['warning']} 提示 {c['info']}"
        out.append(head)
        for f in r.findings:
            line = f"    {SEV_MARK.get(f.severity, '?')} [{f.code}] {f.message}"
            out.append(line)
    return "\n".join(out)


def tally(reports: list[Report]) -> str:
    formats = Counter(r.format for r in reports if not r.error)
    sev = Counter(f.severity for r in reports for f in r.findings)
    unreadable = sum(1 for r in reports if r.error)
    parts = [f"共 {len(reports)} 份"]
    parts.append("，".join(f"{k} {v}" for k, v in sorted(formats.items())))
    parts.append(f"错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}")
    if unreadable:
        parts.append(f"无法读取 {unreadable}")
    return "；".join(p for p in parts if p)


def write_out(reports: list[Report], out: str) -> None:
    path = Path(out)
    rows = []
    for r in reports:
        base = [r.file, r.agency, r.year, r.format, r.script]
        if r.error:
            rows.append([*base, "READ-ERROR", "error", r.error, "", ""])
        for f in r.findings:
            rows.append([*base, f.code, f.severity, f.message, f.where, f.evidence])
    head = [
        "file",
        "agency",
        "year",
        "format",
        "script",
        "code",
        "severity",
        "message",
        "where",
        "evidence",
    ]
    if path.suffix.lower() == ".csv":
        # report text comes from other people's documents: no cell may run as a formula
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            write_csv(fh, head, rows)
        return
    if path.suffix.lower() != ".xlsx":
        raise ValueError("--out 只支持 .xlsx 或 .csv")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "reports"
    ws.append(
        [
            "file",
            "agency",
            "year",
            "format",
            "script",
            "published",
            "errors",
            "warnings",
            "infos",
            "error",
        ]
    )
    for r in reports:
        c = r.counts
        ws.append(
            safe_row(
                [
                    r.file,
                    r.agency,
                    r.year,
                    r.format,
                    r.script,
                    r.published,
                    c["error"],
                    c["warning"],
                    c["info"],
                    r.error or "",
                ]
            )
        )
    wf = wb.create_sheet("findings")
    wf.append(head)
    for row in rows:
        wf.append(safe_row(row))
    wc = wb.create_sheet("cells")
    wc.append(["file", "key", "value"])
    for r in reports:
        for k, v in r.to_dict()["cells"].items():
            wc.append(safe_row([r.file, k, v]))
    wg = wb.create_sheet("figures")
    wg.append(["file", "key", "value"])
    for r in reports:
        for k, v in r.to_dict()["figures"].items():
            wg.append(safe_row([r.file, k, v]))
    wb.save(path)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    reports = run(args.paths, progress=not args.no_progress and not args.json)
    if not reports:
        print(f"没有找到可检查的文件（支持 {' '.join(SUFFIXES)}）", file=sys.stderr)
        return 2
    if args.json:
        json.dump(
            {"reports": [r.to_dict() for r in reports]}, sys.stdout, ensure_ascii=False, indent=1
        )
        sys.stdout.write("\n")
    else:
        print(summary(reports))
        print(tally(reports))
    if args.out:
        try:
            write_out(reports, args.out)
        except (ValueError, OSError) as e:
            print(f"无法写入 {args.out}：{e}", file=sys.stderr)
            return 2
    return 0
