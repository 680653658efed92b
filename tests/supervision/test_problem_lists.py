"""Problem lists (问题清单) and rectification (整改): RULES.md E2/E7."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gongkai.agencies.models import Membership, Role
from gongkai.supervision import demo as sv_demo
from gongkai.supervision import services
from gongkai.supervision.models import ListStatus, Problem, ProblemList, ProblemStatus

ITEMS = [
    {"category": "stale_column", "description": "栏目“通知公告”超期未更新", "evidence_url": ""},
    {"category": "other", "description": "公开指南联系电话有误"},
]


def _issue(users, demo, **kw):
    return services.issue_problem_list(
        users["supervisor"],
        demo["青山市"],
        kw.pop("agency", demo["青山市:教育局"]),
        title=kw.pop("title", "整改通知"),
        due_on=timezone.localdate() + timedelta(days=10),
        items=kw.pop("items", ITEMS),
    )


def test_issue_answer_accept_closes_the_list(users, demo):
    plist = _issue(users, demo)
    assert plist.status == ListStatus.OPEN
    p1, p2 = plist.items.order_by("position")
    services.answer_problem(users["head"], p1, "已更新栏目并建立周更制度")
    plist.refresh_from_db()
    assert plist.status == ListStatus.RECTIFYING
    services.accept_problem(users["supervisor"], Problem.objects.get(pk=p1.pk), "同意")
    services.answer_problem(users["clerk"], p2, "已更正电话")
    plist.refresh_from_db()
    assert plist.status == ListStatus.RECTIFYING
    # Not good enough: reopened, answered again, accepted.
    services.reopen_problem(users["supervisor"], Problem.objects.get(pk=p2.pk), "传真号仍有误")
    p2.refresh_from_db()
    assert p2.status == ProblemStatus.OPEN and p2.times_reopened == 1
    plist.refresh_from_db()
    assert plist.status == ListStatus.RECTIFYING
    services.answer_problem(users["clerk"], p2, "电话和传真均已更正")
    services.accept_problem(users["supervisor"], Problem.objects.get(pk=p2.pk))
    plist.refresh_from_db()
    assert plist.status == ListStatus.CLOSED
    # the history keeps the first, insufficient answer and the reason it was sent back
    history = [(e.kind, e.note) for e in p2.events.all()]
    assert history == [
        ("answered", "已更正电话"),
        ("reopened", "传真号仍有误"),
        ("answered", "电话和传真均已更正"),
        ("accepted", ""),
    ]


def test_rules_reject_bad_input_without_saving(users, demo):
    with pytest.raises(ValidationError):
        _issue(users, demo, items=[{"category": "other", "description": "  "}])
    with pytest.raises(ValidationError):
        _issue(users, demo, items=[{"category": "nonsense", "description": "x"}])
    with pytest.raises(ValidationError):
        _issue(users, demo, title=" ")
    assert not ProblemList.objects.exists()
    plist = _issue(users, demo)
    item = plist.items.first()
    with pytest.raises(ValidationError):
        services.accept_problem(users["supervisor"], item)  # not answered yet
    with pytest.raises(ValidationError):
        services.answer_problem(users["head"], item, "")
    with pytest.raises(ValidationError):
        services.answer_problem(users["head"], item, "x", timezone.localdate() + timedelta(days=1))
    item.refresh_from_db()
    assert item.status == ProblemStatus.OPEN and item.rectification_note == ""


def test_permissions_in_services(users, demo):
    # 白水市 is outside 青山市's subtree; the education bureau's staff cannot issue lists.
    with pytest.raises(PermissionDenied):
        _issue(users, demo, agency=demo["白水市"])
    with pytest.raises(PermissionDenied):
        services.issue_problem_list(
            users["head"],
            demo["青山市:教育局"],
            demo["青山市:教育局"],
            title="t",
            due_on=timezone.localdate(),
            items=ITEMS,
        )
    plist = _issue(users, demo)
    item = plist.items.first()
    # The supervisor only reads the addressee's work; another agency's staff cannot answer.
    for name in ("supervisor", "township", "cityclerk"):
        with pytest.raises(PermissionDenied):
            services.answer_problem(users[name], item, "代为整改")
    services.answer_problem(users["head"], item, "已整改")
    with pytest.raises(PermissionDenied):
        services.accept_problem(users["head"], Problem.objects.get(pk=item.pk))


def test_supervisor_creates_list_from_dashboard_form(as_user, demo):
    c = as_user("supervisor")
    target = demo["青山市:松林县:教育局"]
    url = reverse("supervision:create_list") + f"?agency={target.pk}"
    r = c.get(url)
    assert r.status_code == 200 and target.name in r.content.decode()
    data = {
        "agency": target.pk,
        "title": "关于松林县教育局的整改通知",
        "due_on": (timezone.localdate() + timedelta(days=15)).isoformat(),
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "200",
        "items-0-category": "late_publication",
        "items-0-description": "三条信息逾期公开",
        "items-0-evidence_url": "",
        "items-1-category": "other",
        "items-1-description": "",
        "items-1-evidence_url": "",
    }
    r = c.post(reverse("supervision:create_list"), data)
    plist = ProblemList.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "supervision:list_detail", args=[plist.pk]
    )
    assert plist.agency == target and plist.issuer == demo["青山市"]
    assert list(plist.items.values_list("description", flat=True)) == ["三条信息逾期公开"]
    # A past due date is refused with a Chinese message, nothing saved.
    data["due_on"] = "2000-01-01"
    r = c.post(reverse("supervision:create_list"), data)
    assert r.status_code == 200 and "整改期限不能早于下发日期" in r.content.decode()
    assert ProblemList.objects.count() == 1


def test_create_form_refuses_agencies_outside_the_subtree(as_user, demo):
    c = as_user("supervisor")
    r = c.get(reverse("supervision:create_list") + f"?agency={demo['白水市'].pk}")
    assert r.status_code == 403
    r = c.get(reverse("supervision:create_list") + "?agency=abc")
    assert r.status_code == 403


def test_views_permissions(client, as_user, users, demo):
    plist = _issue(users, demo)
    item = plist.items.first()
    detail = reverse("supervision:list_detail", args=[plist.pk])
    received = reverse("supervision:received_detail", args=[plist.pk])
    answer = reverse("supervision:answer", args=[item.pk])
    # anonymous → login
    for url in (detail, received, reverse("supervision:index")):
        assert client.get(url).status_code == 302
    # a supervisor of another subtree cannot see it
    other = users["cityclerk"]
    Membership.objects.create(user=other, agency=demo["白水市"], role=Role.SUPERVISOR)
    c = as_user("cityclerk")
    s = c.session
    s["current_agency_id"] = demo["白水市"].pk
    s.save()
    assert c.get(detail).status_code == 403
    c.logout()
    # another agency's staff: not found in their received lists, cannot answer
    c = as_user("township")
    assert c.get(received).status_code == 404
    assert c.post(answer, {"note": "x"}).status_code == 404
    assert plist.title not in c.get(reverse("supervision:received")).content.decode()
    c.logout()
    # the addressee sees and answers, but cannot open the supervisor's view or accept
    c = as_user("head")
    page = c.get(reverse("supervision:received")).content.decode()
    assert plist.title in page
    assert c.get(detail).status_code == 403
    r = c.post(answer, {"note": "已整改完毕", "rectified_on": timezone.localdate().isoformat()})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == ProblemStatus.ANSWERED and item.answered_by == users["head"]
    assert c.post(reverse("supervision:accept", args=[item.pk])).status_code == 403
    c.logout()
    # the province supervisor (higher up) can read the city's list
    c = as_user("province")
    assert c.get(detail).status_code == 200
    c.logout()
    c = as_user("supervisor")
    r = c.post(reverse("supervision:accept", args=[item.pk]), {"note": "好"})
    item.refresh_from_db()
    assert item.status == ProblemStatus.ACCEPTED


def test_non_supervisor_landing_goes_to_received_lists(as_user, demo):
    r = as_user("head").get(reverse("supervision:index"))
    assert r.status_code == 302 and r["Location"] == reverse("supervision:received")
    assert as_user("head").get(reverse("supervision:checker")).status_code == 403


def test_demo_is_idempotent(demo):
    a = sv_demo.build(demo)
    b = sv_demo.build(demo)
    assert a.pk == b.pk
    assert ProblemList.objects.count() == 1 and a.items.count() == 2
    assert a.issuer == demo["青山市"] and a.agency == demo["青山市:教育局"]


def test_dashboard_widgets(users, demo):
    from gongkai.supervision.selectors import dashboard_widget

    assert dashboard_widget(users["head"], demo["青山市:教育局"]) is None
    sv_demo.build(demo)
    w = dashboard_widget(users["head"], demo["青山市:教育局"])
    assert w and w["url"] == reverse("supervision:received") and "1" in str(w["stat"])
    w = dashboard_widget(users["supervisor"], demo["青山市"])
    assert w["url"] == reverse("supervision:index") and "1个机关" in str(w["text"])


@pytest.mark.parametrize(
    "url,ok",
    [
        ("javascript:alert(1)", False),
        ("//evil.example/x", False),
        ("data:text/html,x", False),
        ("/staff/requests/ledger/?agency=3", True),
        ("https://www.example.gov.cn/a", True),
    ],
)
def test_evidence_links_must_be_safe(users, demo, url, ok):
    items = [{"category": "other", "description": "x", "evidence_url": url}]
    if ok:
        assert _issue(users, demo, items=items).items.get().evidence_url == url
    else:
        with pytest.raises(ValidationError):
            _issue(users, demo, items=items)
        assert not ProblemList.objects.exists()


def test_overdue_lists_are_flagged(as_user, users, demo):
    plist = _issue(users, demo)
    ProblemList.objects.filter(pk=plist.pk).update(
        issued_on=timezone.localdate() - timedelta(days=30),
        due_on=timezone.localdate() - timedelta(days=1),
    )
    assert ProblemList.objects.get(pk=plist.pk).is_overdue
    assert "已逾期" in as_user("head").get(reverse("supervision:received")).content.decode()
    ProblemList.objects.filter(pk=plist.pk).update(status="closed")
    assert not ProblemList.objects.get(pk=plist.pk).is_overdue


def test_staff_dashboard_shows_the_widgets(as_user, demo):
    sv_demo.build(demo)
    assert "打开监督台" in as_user("supervisor").get("/staff/").content.decode()
    html = as_user("head").get("/staff/").content.decode()
    assert "查看问题清单" in html and reverse("supervision:received") in html
