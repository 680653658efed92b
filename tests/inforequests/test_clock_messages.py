"""The clock's warnings and errors (gongkai/rules/deadlines.py) in the request's language: the
rules give a Chinese msgid with named fields, the case page and the /deadline/ calculator
translate it and write its dates in the language's own format. Triggered by real events."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from gongkai.inforequests import services

HAN = "\u4e00-\u9fff"


@pytest.fixture(autouse=True)
def _keep_language():
    with translation.override(translation.get_language()):
        yield


def english(c):
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def chinese(c):
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return c


def case_page(c, req):
    r = c.get(reverse("inforequests:detail", args=[req.pk]))
    assert r.status_code == 200
    return r.content.decode()


@pytest.mark.django_db
def test_late_extension_warning_in_english_and_chinese(make_case, users, as_user):
    req = make_case(day="2025-06-03")
    services.assign(req, users["clerk"], users["clerk"])
    services.grant_extension(req, users["head"], on=date(2025, 7, 10), workdays=10, reason="多")
    req.refresh_from_db()
    assert "extension_late" in req.clock_warnings
    zh = case_page(chinese(as_user("clerk")), req)
    assert "延期（2025年7月10日）晚于答复期限（2025年7月1日），应在期限届满前批准并告知申请人" in zh
    en = case_page(english(as_user("clerk")), req)
    assert (
        "The extension (July 10, 2025) came after the reply deadline (July 1, 2025); it must be "
        "approved and notified to the applicant before the deadline" in en
    )
    assert "延期（" not in en


def _case_with_fee_notice(make_case, users):
    """Received 3 June 2025; a 300-page fee notice issued on 10 June."""
    req = make_case(day="2025-06-03")
    services.assign(req, users["clerk"], users["clerk"])
    services.issue_fee_notice(
        req, users["clerk"], on=date(2025, 6, 10), method="per_page", pages=300
    )
    return req


@pytest.mark.django_db
def test_late_payment_warning_and_fee_notice_line_in_english(make_case, users, as_user):
    req = _case_with_fee_notice(make_case, users)
    notice = req.fee_notices.get()
    services.record_payment(req, users["clerk"], on=date(2025, 7, 30))
    req.refresh_from_db()
    assert "fee_paid_late" in req.clock_warnings
    en = case_page(english(as_user("clerk")), req)
    due = notice.payment_due_on
    assert f"The fee was paid (July 30, 2025) after the payment deadline ({due:%B %-d, %Y})" in en
    # The fee notice line is one sentence, not fragments glued together.
    assert (
        "Fee notice of 2025-06-10: Per page, 6700.00 yuan, payable by "
        f"{due:%Y-%m-%d}; the applicant paid on 2025-07-30." in en
    )
    zh = case_page(chinese(as_user("clerk")), req)
    assert (
        f"收费通知（2025-06-10）：按量计收，6700.00元，缴费期限为{due:%Y-%m-%d}；"
        "申请人已于2025-07-30缴费。" in zh
    )
    assert f"缴费（2025年7月30日）晚于缴费期限（{due.year}年{due.month}月{due.day}日）" in zh


@pytest.mark.django_db
def test_clock_error_of_an_action_is_shown_in_english(make_case, users, as_user):
    """An extension past the 20-working-day total is refused by the clock (ClockError); the
    form shows the reason in the user's language and nothing is saved."""
    req = make_case(day="2025-06-03")
    services.assign(req, users["clerk"], users["clerk"])
    services.grant_extension(req, users["head"], on=date(2025, 6, 20), workdays=10, reason="多")
    url = reverse("inforequests:act", args=[req.pk, "extension"])
    data = {"extension-on": "2025-06-23", "extension-workdays": "15", "extension-reason": "多"}
    r = english(as_user("head")).post(url, data)
    assert r.status_code == 400
    body = r.content.decode()
    assert (
        "Extensions may not exceed 20 working days in total (10 already granted, 15 now) "
        "(Art. 33 of the Regulations)" in body
    )
    assert req.events.filter(kind="extension_granted").count() == 1
    r = chinese(as_user("head")).post(url, data)
    assert "延长答复期限合计不得超过20个工作日（已延长10个，本次15个）（条例第三十三条）" in (
        r.content.decode()
    )


@pytest.mark.django_db
def test_calculator_warnings_and_errors_in_english(client, demo):
    url = reverse("inforequests_public:deadline_calculator")
    c = english(client)
    # 补正 requested after the 7 working days of Art. 30, then received late.
    q = (
        "?received=2025-06-03&as_of=2025-09-01"
        "&kind0=amendment_requested&on0=2025-06-20&extra0=2025-06-27"
        "&kind1=amendment_received&on1=2025-07-02"
    )
    r = c.get(url + q)
    assert r.status_code == 200
    body = r.content.decode()
    assert (
        "The amendment request (June 20, 2025) came later than 7 working days after receipt "
        "(June 12, 2025), contrary to Art. 30 of the Regulations" in body
    )
    assert "The amendment (July 2, 2025) arrived after its deadline (June 27, 2025)" in body
    # A payment with no fee notice is impossible: an error, in English, with status 400.
    r = c.get(url + "?received=2025-06-03&kind0=fee_paid&on0=2025-06-10")
    assert r.status_code == 400
    assert (
        "A payment was recorded (June 10, 2025) but no fee notice is awaiting payment"
        in r.content.decode()
    )
    r = chinese(client).get(url + "?received=2025-06-03&kind0=fee_paid&on0=2025-06-10")
    assert "登记了缴费（2025年6月10日），但没有待缴费的收费通知" in r.content.decode()
    # The API stays Chinese (specified so), whatever the language.
    r = english(client).get(
        "/api/requests/deadline", {"received": "2025-06-03", "event": "fee_paid:2025-06-10"}
    )
    assert r.status_code == 400
    assert r.json()["detail"] == "登记了缴费（2025年6月10日），但没有待缴费的收费通知"


@pytest.mark.django_db
def test_fee_computation_lines_follow_the_page_language(make_case, users, as_user):
    import html as htmlmod

    req = _case_with_fee_notice(make_case, users)
    lines = req.fee_notices.get().lines
    assert len(lines) >= 2
    zh = htmlmod.unescape(case_page(chinese(as_user("clerk")), req))
    for ln in lines:  # rebuilt from the numbers, the Chinese equals the notice's own text
        assert f"<li>{ln['text']}</li>" in zh, re.findall(r"<li>第[^<]*</li>", zh)
    en = htmlmod.unescape(case_page(english(as_user("clerk")), req))
    free = next(ln for ln in lines if ln["rate"] in ("0", "0.00"))
    assert f"pages {free['first']}–{free['last']}: {free['units']} pages, free" in en
    paid = lines[-1]
    assert f"pages {paid['first']}–{paid['last']}: {paid['units']} pages × CNY " in en
    assert "页" not in en.split("docs-h")[1].split("</section>")[0]
