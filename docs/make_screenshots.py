"""Take the README screenshots from a running gongkai (./bin/start) with Debian's chromium.

.venv/bin/python docs/make_screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).parent / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page.goto(BASE + "/")
    page.screenshot(path=OUT / "portal.png")
    page.goto(BASE + "/staff/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "demo-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.screenshot(path=OUT / "staff.png")
    browser.close()
print("written:", *(str(p) for p in sorted(OUT.glob("*.png"))))
