"""`python -m gongkai.checker` / gongkai.checker.cli.main: JSON, summary, xlsx/csv export."""

import csv
import json

import openpyxl

from gongkai.checker.cli import main

from .conftest import SEEDS, needs_seeds

pytestmark = needs_seeds


def test_json_one_entry_per_file(capsys, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    assert main(["--json", str(SEEDS), str(bad)]) == 0
    out = json.loads(capsys.readouterr().out)
    reps = out["reports"]
    assert len(reps) == 6
    by_name = {r["file"].rsplit("/", 1)[-1][:3]: r for r in reps}
    assert by_name["bad"]["error"]
    r = by_name["002"]
    assert r["format"] == "2019" and r["year"] == 2019 and r["script"] == "simplified"
    assert r["cells"]["proactive.procurement.projects"] == 105
    assert r["figures"]["applications.new.total"] == 10
    for f in r["findings"]:
        assert set(f) >= {"code", "severity", "message", "where", "evidence"}
    for rep in reps:
        assert set(rep) >= {
            "file",
            "agency",
            "year",
            "format",
            "script",
            "cells",
            "figures",
            "findings",
        }


def test_summary_and_exports(capsys, tmp_path):
    xlsx, csvf = tmp_path / "o.xlsx", tmp_path / "o.csv"
    assert main([str(SEEDS), "--out", str(xlsx), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "潜山市人民政府办公室" in text and "共 5 份" in text and "TABLE-MISSING" in text
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["reports", "findings", "cells", "figures"]
    assert wb["reports"].max_row == 6
    assert main([str(SEEDS / "003_3113b365ef35d360.txt"), "--out", str(csvf)]) == 0
    rows = list(csv.reader(csvf.open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["file", "agency", "year"]
    assert any(r[5] == "NOT-ANNUAL-REPORT" for r in rows[1:])


def test_no_files(capsys, tmp_path):
    assert main([str(tmp_path)]) == 2


def test_library_import_needs_no_django():
    import subprocess
    import sys

    code = (
        "import sys; from gongkai.checker import check; "
        "r = check('一、总体情况\\n二、主动公开政府信息情况', name='t.txt'); "
        "assert 'django' not in sys.modules, 'django imported'; print(r.format)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=".")
    assert res.returncode == 0, res.stderr


def test_out_files_escape_formulas(tmp_path):
    """Report text comes from other people's documents: `--out` must not write a cell that a
    spreadsheet runs as a formula (the supervision export already escaped; the CLI did not)."""
    import openpyxl

    from gongkai.checker.cli import write_out
    from gongkai.checker.core import Report
    from gongkai.reportschema import Finding

    evil = "=cmd|' /C calc'!A0"
    rep = Report(file="+a.txt", error="@SUM(1+1)")
    ok = Report(file="b.txt", agency="-2+3 局")
    ok.findings.append(Finding("X-1", "warning", evil, "@A1", "=1+1"))
    ok.cells["applications.new.total"] = -3  # numbers stay numbers
    csvf, xlsx = tmp_path / "o.csv", tmp_path / "o.xlsx"
    write_out([rep, ok], str(csvf))
    rows = list(csv.reader(csvf.open(encoding="utf-8-sig")))
    values = [v for row in rows[1:] for v in row]
    assert "'" + evil in values and "'+a.txt" in values and "'@SUM(1+1)" in values
    assert "'-2+3 局" in values and "'=1+1" in values
    assert not [v for v in values if v[:1] in ("=", "+", "-", "@")]
    write_out([rep, ok], str(xlsx))
    wb = openpyxl.load_workbook(xlsx)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [v for v in texts if v[:1] in ("=", "+", "-", "@")]
    assert "'" + evil in texts
    assert -3 in [c.value for c in wb["cells"]["C"]]
