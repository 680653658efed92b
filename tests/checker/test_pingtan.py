"""The real 平潭 series 2011–2025: format and year for all 20; page.txt (cells run together)
read back to the same cells as page.html; the carry-over chain holds, the stock chain does not."""

import csv

import pytest

from gongkai.checker import check, check_many

from .conftest import PINGTAN, needs_pingtan

pytestmark = needs_pingtan


def index():
    return list(csv.DictReader((PINGTAN / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"))


@pytest.fixture(scope="module")
def batch():
    rows = index()
    reps = check_many([PINGTAN / r["folder"] / "page.txt" for r in rows])
    return {r["folder"]: (r, rep) for r, rep in zip(rows, reps, strict=True)}


def test_format_and_year_for_all_20(batch):
    assert len(batch) == 20
    for folder, (row, rep) in batch.items():
        assert rep.error is None
        assert rep.format == row["format"], folder
        assert rep.year == int(row["report_year"]), folder


@pytest.mark.parametrize("folder", ["202001_80576", "202503_97791", "202603_105587"])
def test_flattened_text_reads_the_same_cells_as_the_html_table(folder):
    html = check(PINGTAN / folder / "page.html")
    txt = check(PINGTAN / folder / "page.txt")
    assert html.format == txt.format in ("2019", "2021")
    n = 198 if html.format == "2019" else 200
    assert len(html.cells) == len(txt.cells) == n
    assert txt.cells == html.cells
    assert not [f for f in html.findings if f.code.startswith(("T3", "T4"))]


def test_glued_cells_split_by_identities():
    c = check(PINGTAN / "202001_80576" / "page.txt").cells
    # 规范性文件898989 → 89 | 89 | 89 ; 230 000023 → 23 | 0 | … | 23
    assert [
        c[f"proactive.normative_documents.{k}"] for k in ("made", "published", "total_public")
    ] == [89, 89, 89]
    assert [
        c[f"applications.new.{k}"] for k in ("natural", "org_commercial", "org_other", "total")
    ] == [23, 0, 0, 23]
    assert str(c["proactive.procurement.amount"]) == "75394432.52"
    c25 = check(PINGTAN / "202603_105587" / "page.txt").cells
    # 25380363300630003: the three T4 sums settle the split
    assert [
        c25[f"appeals.reconsideration.{k}"]
        for k in ("upheld", "corrected", "other", "pending", "total")
    ] == [25, 3, 8, 0, 36]
    assert c25["appeals.litigation_after_reconsideration.total"] == 3


def test_carry_over_chain_holds_and_stock_chain_is_reported(batch):
    by_year = {rep.year: rep for _, rep in batch.values() if rep.format in ("2019", "2021")}
    assert sorted(by_year) == list(range(2019, 2026))
    for y in range(2020, 2026):
        prev, this = by_year[y - 1], by_year[y]
        for col in ("natural", "org_commercial", "total"):
            assert (
                this.cells[f"applications.carried_over.{col}"]
                == prev.cells[f"applications.carried_forward.{col}"]
            )
        assert not [f for f in this.findings if f.code == "T3-4"]
    assert by_year[2022].cells["applications.carried_over.total"] == 1
    assert by_year[2025].cells["applications.carried_forward.total"] == 6
    stock = {
        y: [f for f in by_year[y].findings if f.code == "T2-2" and "行政规范性文件" in f.where]
        for y in by_year
    }
    assert stock[2022] == []  # 665 + 88 − 55 = 698 holds
    for y, expected in ((2023, 643), (2024, 499), (2025, 453)):
        (f,) = stock[y]
        assert f.severity == "warning" and str(expected) in f.message
    assert [
        by_year[y].cells["proactive.normative_documents.in_force"] for y in (2022, 2023, 2024, 2025)
    ] == [698, 470, 440, 546]


def test_letter_is_not_an_annual_report(batch):
    _, rep = batch["201412_80787"]
    assert rep.format == "not_annual_report"
    assert "NOT-ANNUAL-REPORT" in [f.code for f in rep.findings]
