"""Random cell values that satisfy every identity of a format (for tests, demos, benchmarks)."""

from __future__ import annotations

import random
from decimal import Decimal

from .formats import APPEAL_GROUPS, APPEAL_RESULTS, APPLICANT_TYPES, get_format
from .model import CellValue, Format


def _count(rng: random.Random, zero: float, top: int) -> int:
    if rng.random() < zero:
        return 0
    # mostly small, sometimes large: what real tables look like
    return rng.choice((rng.randint(1, 9), rng.randint(1, 99), rng.randint(1, top)))


def sample_cells(
    fmt: Format | str, rng: random.Random | None = None, *, zero: float = 0.5, top: int = 3000
) -> dict[str, CellValue]:
    """A complete, consistent set of cells (zero findings under check_cells)."""
    f = get_format(fmt) if isinstance(fmt, str | int) else fmt
    rng = rng or random.Random()
    cells: dict[str, CellValue] = {}
    apps = f.tables["applications"]
    results = [
        r.key
        for r in apps.rows
        if r.key not in ("new", "carried_over", "outcomes_total", "carried_forward")
    ]
    for c in APPLICANT_TYPES:
        vals = {r: _count(rng, zero + (1 - zero) * 0.6, top // 10) for r in results}
        total = sum(vals.values())
        fwd = _count(rng, 0.7, 20)
        over = rng.randint(0, total + fwd) if rng.random() < 0.3 else 0
        vals.update(outcomes_total=total, carried_forward=fwd, carried_over=over)
        vals["new"] = total + fwd - over
        for r, v in vals.items():
            cells[f"applications.{r}.{c}"] = v
    for r in apps.rows:
        cells[f"applications.{r.key}.total"] = sum(
            cells[f"applications.{r.key}.{c}"] for c in APPLICANT_TYPES
        )
    for g, _ in APPEAL_GROUPS:
        parts = [_count(rng, zero, 30) for _ in APPEAL_RESULTS[:4]]
        for (r, _), v in zip(APPEAL_RESULTS[:4], parts, strict=True):
            cells[f"appeals.{g}.{r}"] = v
        cells[f"appeals.{g}.total"] = sum(parts)
    for spec in f.tables["proactive"].cells:
        if spec.kind == "signed":
            v: CellValue = rng.randint(-50, 50) if rng.random() > zero else 0
        elif spec.kind == "money":
            v = Decimal(rng.randint(0, 10**7)) / 100 if rng.random() > zero / 2 else Decimal(0)
        else:
            v = _count(rng, zero, top)
        cells[spec.key] = v
    if f.key == "2019":
        for r in ("regulations", "normative_documents"):
            a, b = cells[f"proactive.{r}.published"], cells[f"proactive.{r}.total_public"]
            if a > b:  # type: ignore[operator]
                cells[f"proactive.{r}.published"], cells[f"proactive.{r}.total_public"] = b, a
    return cells
