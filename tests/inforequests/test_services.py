from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongkai.inforequests import selectors, services
from gongkai.inforequests.models import (
    AppendOnlyError,
    Applicant,
    InfoRequest,
    InfoRequestEvent,
    TrackingCounter,
)

from .conftest import PERSON


def _wd(agency):
    from gongkai.workcalendar.services import calendar_for

    return calendar_for(agency.region_code)


@pytest.mark.django_db
class TestIntake:
    def test_in_person_starts_clock_that_day(self, make_case):
        req = make_case(day="2025-09-26")
        assert req.received_on == date(2025, 9, 26)
        assert req.status == "in_progress"
        # RULES.md §I worked example: received Fri 2025-09-26 → 20 WD 2025-10-30.
        assert req.due_on == date(2025, 10, 30)
        assert req.tracking_number == "2025-000001"
        assert Applicant.objects.get(request=req).name == "张三"

    def test_tracking_numbers_per_agency_and_year(self, make_case, demo):
        a = make_case(day="2025-06-03")
        b = make_case(day="2025-06-04")
        c = make_case(day="2026-01-05")
        other = make_case(agency=demo["青山市"], actor="cityclerk", day="2025-06-05")
        assert [a.tracking_number, b.tracking_number, c.tracking_number] == [
            "2025-000001",
            "2025-000002",
            "2026-000001",
        ]
        assert other.tracking_number == "2025-000001"

    def test_access_code_is_hashed_and_checked(self, make_case, edu):
        req = make_case()
        assert req.raw_code not in req.access_code_hash
        assert len(req.raw_code) == services.ACCESS_CODE_LENGTH
        assert services.check_access_code(req, req.raw_code.lower())
        assert not services.check_access_code(req, "WRONGCODE123")
        found = selectors.find_for_applicant(edu.pk, req.tracking_number, req.raw_code)
        assert found == req
        assert selectors.find_for_applicant(edu.pk, req.tracking_number, "X") is None

    def test_online_waits_for_confirmation(self, make_case, users):
        req = make_case(actor=None, channel="online", day="2025-06-03")
        assert req.status == "to_confirm" and req.received_on is None and req.due_on is None
        services.confirm_receipt(req, users["clerk"], on=date(2025, 6, 5))
        req.refresh_from_db()
        assert req.received_on == date(2025, 6, 5)
        assert req.status == "in_progress"
        assert req.due_on == _wd(req.agency).add_workdays(date(2025, 6, 5), 20)
        with pytest.raises(ValidationError):
            services.confirm_receipt(req, users["clerk"], on=date(2025, 6, 6))

    def test_public_cannot_use_staff_channels(self, make_case):
        with pytest.raises(PermissionDenied):
            make_case(actor=None, channel="in_person")

    def test_signed_post_uses_signing_day(self, make_case):
        req = make_case(channel="post_signed", day="2025-06-03", received_on="2025-06-06")
        assert req.received_on == date(2025, 6, 6)

    def test_bad_input_saves_nothing(self, make_case, edu):
        bad = dict(PERSON, id_number="110105194912310021")
        with pytest.raises(ValidationError) as e:
            make_case(applicant=bad)
        assert "居民身份证号码无效" in str(e.value)
        with pytest.raises(ValidationError) as e:
            make_case(applicant_type="org_commercial", applicant={"name": "某公司"})
        assert "统一社会信用代码" in str(e.value)
        with pytest.raises(ValidationError):
            make_case(description="  ")
        with pytest.raises(ValidationError):
            make_case(channel="carrier_pigeon")
        assert InfoRequest.objects.count() == 0
        assert Applicant.objects.count() == 0
        assert not TrackingCounter.objects.filter(last__gt=0).exists()

    def test_other_agency_clerk_cannot_enter(self, make_case, demo):
        with pytest.raises(PermissionDenied):
            make_case(agency=demo["青山市"], actor="clerk")


@pytest.mark.django_db
class TestActions:
    def test_amendment_restarts_clock(self, make_case, users):
        clerk = users["clerk"]
        req = make_case(day="2025-06-03")
        services.request_amendment(req, clerk, on=date(2025, 6, 6), items="请写明文件名称")
        req.refresh_from_db()
        assert req.status == "awaiting_amendment" and req.due_on is None
        services.record_amendment(req, clerk, on=date(2025, 6, 20))
        req.refresh_from_db()
        assert req.status == "in_progress"
        assert req.due_on == _wd(req.agency).add_workdays(date(2025, 6, 20), 20)
        assert req.received_on == date(2025, 6, 3)  # the statutory receipt day stays

    def test_extension_head_only_and_capped(self, make_case, users):
        req = make_case(day="2025-06-03")
        base = req.due_on
        with pytest.raises(PermissionDenied):
            services.grant_extension(req, users["clerk"], on=date(2025, 6, 20), workdays=20,
                                     reason="信息量大")  # fmt: skip
        services.grant_extension(req, users["head"], on=date(2025, 6, 20), workdays=15,
                                 reason="信息量大")  # fmt: skip
        req.refresh_from_db()
        assert req.due_on == _wd(req.agency).add_workdays(base, 15)
        n = req.events.count()
        with pytest.raises(ValidationError) as e:
            services.grant_extension(req, users["head"], on=date(2025, 6, 23), workdays=10,
                                     reason="再延")  # fmt: skip
        assert "20个工作日" in str(e.value)
        assert req.events.count() == n  # rolled back
        req.refresh_from_db()
        assert req.due_on == _wd(req.agency).add_workdays(base, 15)

    def test_consultation_pauses(self, make_case, users, today):
        today(date(2025, 6, 12))
        clerk = users["clerk"]
        req = make_case(day="2025-06-03")
        ev = services.start_consultation(req, clerk, on=date(2025, 6, 10), party="某公司")
        req.refresh_from_db()
        assert req.status == "consultation"
        today(date(2025, 6, 20))
        services.answer_consultation(req, clerk, on=date(2025, 6, 17), ref=ev.payload["ref"],
                                     opinion="object")  # fmt: skip
        req.refresh_from_db()
        assert req.status == "in_progress"
        cal = _wd(req.agency)
        paused = cal.workdays_between(date(2025, 6, 10), date(2025, 6, 17))
        assert req.due_on == cal.add_workdays(date(2025, 6, 3), 20 + paused)

    def test_fee_notice_and_payment(self, make_case, users):
        clerk = users["clerk"]
        req = make_case(day="2025-06-03")
        notice = services.issue_fee_notice(
            req, clerk, on=date(2025, 6, 10), method="per_page", pages=150
        )
        assert notice.amount == Decimal(1700)  # RULES.md F worked example
        assert notice.lines and notice.payment_due_on
        req.refresh_from_db()
        assert req.status == "awaiting_fee"
        services.record_payment(req, clerk, on=date(2025, 6, 12))
        req.refresh_from_db()
        notice.refresh_from_db()
        assert req.status == "in_progress" and notice.paid_on == date(2025, 6, 12)

    def test_reply_and_close(self, make_case, users):
        clerk = users["clerk"]
        req = make_case(day="2025-06-03")
        with pytest.raises(ValidationError) as e:
            services.reply(req, clerk, on=date(2025, 6, 20), outcome="withheld.state_secret")
        assert "理由" in str(e.value)
        with pytest.raises(ValidationError):
            services.reply(req, clerk, on=date(2025, 6, 20), outcome="maybe")
        with pytest.raises(ValidationError):
            services.close(req, clerk, on=date(2025, 6, 21))
        services.reply(req, clerk, on=date(2025, 6, 20), outcome="disclosed")
        req.refresh_from_db()
        assert (req.status, req.outcome, req.replied_on) == (
            "replied",
            "disclosed",
            date(2025, 6, 20),
        )
        assert "第三十六条" in req.legal_basis
        services.close(req, clerk, on=date(2025, 6, 21))
        req.refresh_from_db()
        assert req.status == "closed" and req.closed_on == date(2025, 6, 21)

    def test_assign(self, make_case, users):
        req = make_case()
        services.assign(req, users["clerk"], users["reviewer"])
        req.refresh_from_db()
        assert req.assignee == users["reviewer"]
        with pytest.raises(ValidationError):
            services.assign(req, users["clerk"], users["cityclerk"])  # not of this agency

    def test_events_are_append_only(self, make_case):
        req = make_case()
        ev = req.events.first()
        ev.payload = {"x": 1}
        with pytest.raises(AppendOnlyError):
            ev.save()
        with pytest.raises(AppendOnlyError):
            ev.delete()
        assert InfoRequestEvent.objects.filter(request=req).count() == 2

    def test_derived_columns_rebuilt_from_events(self, make_case, users):
        req = make_case(day="2025-06-03")
        services.reply(req, users["clerk"], on=date(2025, 6, 20), outcome="disclosed")
        InfoRequest.objects.filter(pk=req.pk).update(status="in_progress", outcome=None,
                                                     replied_on=None, due_on=None)  # fmt: skip
        req.refresh_from_db()
        services.recompute(req)
        req.refresh_from_db()
        assert (req.status, req.outcome, req.replied_on) == (
            "replied",
            "disclosed",
            date(2025, 6, 20),
        )
        assert req.due_on is not None


@pytest.mark.django_db
def test_calendar_change_recomputes_due_dates(make_case, users):
    from gongkai.workcalendar.models import WorkdayOverride

    req = make_case(day="2025-09-26")
    assert req.due_on == date(2025, 10, 30)
    # Declare a working day inside the window a holiday: the due date moves one working day.
    WorkdayOverride.objects.create(day=date(2025, 10, 15), kind="holiday", note="测试")
    req.refresh_from_db()
    assert req.due_on == date(2025, 10, 31)


@pytest.mark.django_db
def test_clock_words(make_case):
    req = make_case(day="2025-09-26")
    state = selectors.clock_state(req, as_of=date(2025, 10, 20))
    assert selectors.clock_words(state) == (
        f"第{state.workdays_used}个工作日，剩余{state.workdays_left}个工作日"
    )
    assert state.workdays_used + state.workdays_left == 20
    late = selectors.clock_state(req, as_of=date(2025, 11, 5))
    assert "已超期" in selectors.clock_words(late)


@pytest.mark.django_db
def test_letters_hook_writes_letters(make_case, users, letters_on):
    """The services call gongkai.inforequests.letters.generate_for_event for notice events."""
    from gongkai.inforequests.models import Letter

    req = make_case(day="2025-06-03")  # in person: received at once → receipt letter
    services.reply(req, users["clerk"], on=date(2025, 6, 20), outcome="disclosed")
    services.close(req, users["clerk"], on=date(2025, 6, 21))  # no letter for archiving
    kinds = {letter.event.kind for letter in Letter.objects.filter(request=req)}
    assert kinds == {"received", "replied"}
    assert all(letter.pdf and letter.docx for letter in Letter.objects.filter(request=req))


@pytest.mark.django_db
def test_case_can_be_deleted_whole(make_case, users):
    """Events are append-only, but removing a whole case (e.g. test data) cascades cleanly."""
    req = make_case(day="2025-06-03")
    services.issue_fee_notice(req, users["clerk"], on=date(2025, 6, 10), method="per_page",
                              pages=150)  # fmt: skip
    InfoRequest.objects.filter(pk=req.pk).delete()
    assert not InfoRequestEvent.objects.filter(request_id=req.pk).exists()


@pytest.mark.django_db
def test_large_calendar_change_goes_to_the_worker(make_case, monkeypatch,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    from django_tasks_db.models import DBTaskResult

    from gongkai.workcalendar.models import WorkdayOverride

    req = make_case(day="2025-09-26")
    monkeypatch.setattr(services, "CALENDAR_INLINE_LIMIT", 0)
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(day=date(2025, 10, 15), kind="holiday", note="测试")
    req.refresh_from_db()
    assert req.due_on == date(2025, 10, 30)  # not yet: queued
    task = DBTaskResult.objects.get(task_path__endswith="recompute_after_calendar_change")
    from gongkai.inforequests.tasks import recompute_after_calendar_change

    assert recompute_after_calendar_change.call(**task.args_kwargs["kwargs"]) == 1
    req.refresh_from_db()
    assert req.due_on == date(2025, 10, 31)
