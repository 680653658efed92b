"""`gongkai report AGENCY YEAR [--format 2021|2019] --json|--docx F|--pdf F|--xlsx F`

AGENCY is an agency id, its 统一社会信用代码, its full name or a unique short name (an ambiguous
name is refused with the candidates listed). Without a published flag the figures are built
from the records now (plus hand-entered figures); `--published` exports the latest published
version instead. Batch: `gongkai report --all YEAR --out DIR` or
`gongkai report AGENCY YEAR --subtree --out DIR` writes one JSON per agency (one grouped query
per table for all of them) with a progress bar; `--rollup` sums AGENCY's subtree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongkai.agencies.models import Agency
from gongkai.reportschema import check_cells, get_format


class Command(BaseCommand):
    help = "导出年度报告（JSON/DOCX/PDF/XLSX），或批量生成各机关年度报告数据。"

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="+", metavar="AGENCY YEAR | YEAR")
        parser.add_argument("--format", choices=["2021", "2019"], dest="fmt")
        parser.add_argument("--json", nargs="?", const="-", metavar="F")
        parser.add_argument("--docx", metavar="F")
        parser.add_argument("--pdf", metavar="F")
        parser.add_argument("--xlsx", metavar="F")
        parser.add_argument("--published", action="store_true", help="导出最新已发布版本")
        parser.add_argument("--rollup", action="store_true", help="汇总本机关及全部下级机关")
        parser.add_argument("--all", action="store_true", help="批量：全部机关")
        parser.add_argument("--subtree", action="store_true", help="批量：本机关及下级机关")
        parser.add_argument("--out", metavar="DIR", help="批量输出目录")

    def handle(self, *args, **o):
        from gongkai.annualreports import builder

        if o["all"]:
            if len(args) != 1:
                raise CommandError("用法：gongkai report --all YEAR --out DIR")
            return self._batch(None, _year(args[0]), o)
        if len(args) != 2:
            raise CommandError(
                "用法：gongkai report AGENCY YEAR [--json|--docx F|--pdf F|--xlsx F]"
            )
        agency = _agency(args[0])
        year = _year(args[1])
        if o["subtree"]:
            return self._batch(agency, year, o)
        fmt = o["fmt"] or builder.format_for(year)
        doc = self._doc(agency, year, fmt, o)
        from gongkai.annualreports import outputs

        wrote = False
        for flag, fn in (
            ("docx", outputs.to_docx),
            ("pdf", outputs.to_pdf),
            ("xlsx", outputs.to_xlsx),
        ):
            if o[flag]:
                Path(o[flag]).write_bytes(fn(doc))
                self.stderr.write(f"已写入 {o[flag]}")
                wrote = True
        if o["json"] or not wrote:
            data = outputs.to_json_bytes(doc)
            if o["json"] in (None, "-"):
                sys.stdout.write(data.decode() + "\n")
            else:
                Path(o["json"]).write_bytes(data)
                self.stderr.write(f"已写入 {o['json']}")

    def _doc(self, agency, year, fmt, o):
        from gongkai.annualreports import builder, outputs
        from gongkai.annualreports.conf import counting_rules
        from gongkai.annualreports.models import AnnualReport
        from gongkai.annualreports.selectors import published_version

        if o["published"]:
            v = published_version(agency.pk, year)
            if v is None:
                raise CommandError(f"{agency.name} 没有已发布的 {year} 年度报告")
            return outputs.doc_from_version(v)
        if o["rollup"]:
            ids = list(agency.subtree().values_list("pk", flat=True))
            cells = builder.build_cells(ids, year, fmt)
            return outputs.ReportDoc(
                agency.pk,
                f"{agency.name}（含下级机关汇总）",
                agency.uscc,
                year,
                fmt,
                cells,
                {},
                counting_rules(),
            )
        report = AnnualReport.objects.filter(agency=agency, year=year).first()
        if report is not None and report.format == fmt:
            return outputs.doc_from_report(report, builder.build_report(report))
        report = AnnualReport(agency=agency, year=year, format=fmt)
        from gongkai.annualreports import services

        services.redraft(report)
        cells = builder.build_cells([agency.pk], year, fmt)
        return outputs.ReportDoc(
            agency.pk,
            agency.name,
            agency.uscc,
            year,
            fmt,
            cells,
            {"一": report.section_1, "五": report.section_5, "六": report.section_6},
            counting_rules(),
            trend=builder.trend(agency, year, cells),
        )

    def _batch(self, root, year, o):
        from tqdm import tqdm

        from gongkai.annualreports import builder

        fmt = o["fmt"] or builder.format_for(year)
        qs = Agency.objects.all() if root is None else root.subtree()
        agencies = {a.pk: a for a in qs.only("pk", "name", "uscc")}
        out = Path(o["out"]) if o["out"] else None
        if out:
            out.mkdir(parents=True, exist_ok=True)
        many = builder.build_many(None if root is None else list(agencies), year, fmt)
        bad = 0
        f = get_format(fmt)
        for aid, cells in tqdm(many.items(), desc="年度报告", unit="机关", file=self.stderr):
            findings = [x for x in check_cells(f, cells) if x.severity == "error"]
            bad += bool(findings)
            if out:
                a = agencies[aid]
                data = {
                    "agency": {"id": aid, "name": a.name, "uscc": a.uscc},
                    "year": year,
                    "format": fmt,
                    "cells": {
                        k: (float(v) if not isinstance(v, int) else v) for k, v in cells.items()
                    },
                    "findings": [x.to_dict() for x in findings],
                }
                (out / f"{aid}-{year}.json").write_text(json.dumps(data, ensure_ascii=False))
        self.stdout.write(f"{len(many)} 个机关的 {year} 年度报告已生成；校验未通过：{bad}")


def _year(s: str) -> int:
    if not s.isdigit() or not 2008 <= int(s) <= 2100:
        raise CommandError(f"年度不正确：{s}")
    return int(s)


def _agency(s: str) -> Agency:
    a = None
    if s.isdigit() and len(s) < 18:
        a = Agency.objects.filter(pk=int(s)).first()
    if a is None:
        a = Agency.objects.filter(uscc=s.upper()).first()
    if a is None:
        # By name: the full name, else a unique short name (two agencies may share one).
        by_name = list(Agency.objects.filter(name=s)[:2]) or list(
            Agency.objects.filter(short_name=s)[:2]
        )
        if len(by_name) > 1:
            raise CommandError(
                f"机关名称不唯一：{s}（请使用机关编号或统一社会信用代码："
                + "、".join(f"{x.pk} {x.name}" for x in by_name)
                + "）"
            )
        a = by_name[0] if by_name else None
    if a is None:
        raise CommandError(f"找不到机关：{s}（请使用机关编号、统一社会信用代码或机关全称）")
    return a
