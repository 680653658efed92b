"""The generated report (HTML, DOCX and PDF) read back through the published-report checker
gives the same cells and no error findings (one schema, two uses)."""

import datetime as dt
import random

from gongkai.annualreports import builder, outputs, services
from gongkai.checker import check
from gongkai.reportschema import APPLICANT_TYPES

from .conftest import make_requests

D = dt.date


def test_demo_report_read_back_by_the_checker(demo, edu, users):
    from gongkai.appeals import demo as appeals_demo
    from gongkai.inforequests.models import OUTCOME_KEYS

    appeals_demo.build(demo)
    rng = random.Random(3)
    specs = []
    for _ in range(60):
        received = D(2024, 10, 1) + dt.timedelta(days=rng.randint(0, 440))
        replied = received + dt.timedelta(days=rng.randint(1, 40))
        specs.append(
            (received, replied if rng.random() > 0.1 else None, None, rng.choice(APPLICANT_TYPES))
        )
    specs = [(r, p, rng.choice(OUTCOME_KEYS) if p else None, t) for r, p, _o, t in specs]
    make_requests(edu, specs)
    report = services.open_report(users["clerk"], edu, 2025)
    built = builder.build_report(report)
    assert built.findings == []
    doc = outputs.doc_from_report(report, built)
    for name, data in (
        ("report.html", outputs.to_print_html(doc).encode()),
        ("report.docx", outputs.to_docx(doc)),
        ("report.pdf", outputs.to_pdf(doc)),
    ):
        result = check(data, name=name)
        data = result.to_dict()
        errors = [f for f in data["findings"] if f["severity"] == "error"]
        assert errors == [], name
        got = data["cells"]
        for key, value in built.cells.items():
            assert key in got, (name, key)
            assert float(got[key]) == float(value), (name, key)
