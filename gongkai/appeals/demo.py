"""Demo appeals at 青山市教育局 (idempotent: keyed by case number)."""

import datetime as dt

from .models import Appeal

CASES = [
    # (case number, kind, subject, filed, decided, result)
    (
        "青政复〔2024〕31号",
        "reconsideration",
        "不服政府信息公开答复（不予公开）",
        dt.date(2024, 9, 2),
        dt.date(2024, 11, 20),
        "upheld",
    ),
    (
        "青政复〔2025〕12号",
        "reconsideration",
        "不服政府信息公开答复（本机关不掌握）",
        dt.date(2025, 3, 10),
        dt.date(2025, 5, 6),
        "upheld",
    ),
    (
        "青政复〔2025〕48号",
        "reconsideration",
        "逾期未答复",
        dt.date(2025, 7, 21),
        dt.date(2025, 9, 15),
        "corrected",
    ),
    (
        "青政复〔2025〕77号",
        "reconsideration",
        "不服部分公开答复",
        dt.date(2025, 11, 28),
        None,
        "pending",
    ),
    (
        "（2025）青0102行初19号",
        "litigation_direct",
        "请求判令公开招生计划",
        dt.date(2025, 4, 8),
        dt.date(2025, 10, 30),
        "other",
    ),
    (
        "（2025）青0102行初63号",
        "litigation_after_reconsideration",
        "不服复议决定",
        dt.date(2025, 6, 3),
        None,
        "pending",
    ),
]


def build(agencies) -> None:
    agency = agencies["青山市:教育局"]
    for number, kind, subject, filed, decided, result in CASES:
        Appeal.objects.get_or_create(
            agency=agency,
            case_number=number,
            defaults={
                "kind": kind,
                "subject": subject,
                "body": "青山市人民政府" if kind == "reconsideration" else "青山市第一区人民法院",
                "filed_on": filed,
                "decided_on": decided,
                "result": result,
            },
        )
