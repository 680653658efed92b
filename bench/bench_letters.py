"""Time to render letters (DOCX + PDF) and official-layout PDFs. Prints figures; asserts nothing.

python bench/bench_letters.py [repeats]
"""

import os
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace as NS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from gongkai.documents.docx import html_to_docx, to_bytes  # noqa: E402
from gongkai.documents.pdf import html_to_pdf  # noqa: E402
from gongkai.inforequests import letters as L  # noqa: E402
from gongkai.rules.fees import per_item_fee  # noqa: E402

CITY = NS(name="青山市人民政府", kind="government", parent=None)
AGENCY = NS(name="青山市教育局", kind="department", parent=CITY, office_phone="0790-1234567")
BASE = {
    "agency": AGENCY,
    "tracking_number": "2026-000123",
    "applicant_name": "张三",
    "description": "2025年全市中小学校舍维修资金分配表",
    "received_on": date(2026, 11, 2),
    "due_on": date(2026, 11, 30),
}
CASES = {
    "amendment": {"items": ["请写明年份", "请提供身份证明"]},
    "extension": {"workdays": 20},
    "consultation": {"consultee_name": "某公司"},
    "fee_notice": {"fee": per_item_fee(28, 5)},
    "reply": {"outcome": "withheld.third_party_rights"},
}


def ms(fn, n):
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n * 1000


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    L.render_letter("reply", {**BASE, "outcome": "disclosed"})  # warm fonts and templates
    print(f"letters (mean of {n}):")
    for kind, extra in CASES.items():
        ctx = {**BASE, **extra}
        html = L.render_html(kind, ctx)
        t_html = ms(lambda ctx=ctx, kind=kind: L.render_html(kind, ctx), n)
        t_pdf = ms(lambda html=html: html_to_pdf(html), n)
        t_docx = ms(lambda html=html: to_bytes(html_to_docx(html)), n)
        print(f"  {kind:13s} html {t_html:6.1f} ms  pdf {t_pdf:6.1f} ms  docx {t_docx:6.1f} ms")
    body = "".join(f"<p>第{i}段：依照条例规定办理，{'文字' * 40}。</p>" for i in range(400))
    t0 = time.perf_counter()
    pdf = html_to_pdf(body)
    dt = time.perf_counter() - t0
    import io

    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    print(f"long document: {pages} pages in {dt:.2f} s ({pages / dt:.0f} pages/s)")


if __name__ == "__main__":
    main()
