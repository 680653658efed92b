"""Staff views for applications: inbox, case page with its actions, intake, ledger, table 三.

Views stay thin: permission check, parse the form, call one service function, show the result.
Every action is a POST to ``act/<name>/``; a rejected action re-renders the case page with the
form's errors (HTTP 400) and saves nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy  # module-level labels: per request language
from django.views.decorators.http import require_POST

from gongkai.agencies.permissions import Action, agencies_for, can
from gongkai.reportschema import APPLICANT_COLUMNS

from . import forms as f
from . import letters, selectors, services
from .models import (
    OPEN_STATUSES,
    OUTCOME_CHOICES,
    OUTCOME_KEYS,
    Attachment,
    InfoRequest,
    Letter,
    LetterStatus,
    Status,
)


def _agency_or_403(request):
    agency = request.agency
    if not agency or not can(request.user, Action.VIEW, agency):
        raise PermissionDenied
    return agency


def _case(request, pk, action=Action.VIEW) -> InfoRequest:
    req = get_object_or_404(InfoRequest.objects.select_related("agency", "assignee"), pk=pk)
    if not can(request.user, action, req):
        raise PermissionDenied
    return req


# ---------------------------------------------------------------------------- inbox


@login_required
def index(request):
    agency = _agency_or_403(request)
    tab = request.GET.get("tab", "all")
    if tab not in selectors.INBOX_TABS:
        tab = "all"
    assignee_form = f.AssignForm(agency=agency)
    assignee = None
    if request.GET.get("assignee", "").isdigit():
        assignee = (
            assignee_form.fields["assignee"].queryset.filter(pk=request.GET["assignee"]).first()
        )
    qs = selectors.inbox(request.user, agency, tab, assignee=assignee)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    counts = selectors.inbox_counts(request.user, agency, today)
    labels = [
        ("all", _("办理中")),
        ("to_confirm", _("待确认收到")),
        ("due_soon", _("3个工作日内到期")),
        ("overdue", _("已超期")),
        ("paused", _("暂停计时")),
        ("mine", _("我承办的")),
        ("replied", _("已答复")),
    ]
    return render(
        request,
        "inforequests/index.html",
        {
            "agency": agency,
            "tab": tab,
            "tabs": [(k, label, counts[k]) for k, label in labels],
            "counts": counts,
            "page": page,
            "today": today,
            "assignees": assignee_form.fields["assignee"].queryset,
            "assignee": assignee,
            "can_edit": can(request.user, Action.EDIT, agency),
        },
    )


# ---------------------------------------------------------------------------- case page

ACTIONS = {
    # name: (form class, permission, allowed statuses, label)
    "confirm": (f.ConfirmReceiptForm, Action.EDIT, (Status.TO_CONFIRM,), gettext_lazy("确认收到")),
    "assign": (f.AssignForm, Action.EDIT, None, gettext_lazy("分办")),
    "amendment_request": (
        f.AmendmentRequestForm,
        Action.EDIT,
        (Status.IN_PROGRESS,),
        gettext_lazy("补正告知"),
    ),
    "amendment_received": (
        f.AmendmentReceivedForm,
        Action.EDIT,
        (Status.AWAITING_AMENDMENT,),
        gettext_lazy("收到补正"),
    ),
    "consultation": (
        f.ConsultationForm,
        Action.EDIT,
        (Status.IN_PROGRESS, Status.CONSULTATION, Status.AWAITING_FEE),
        gettext_lazy("征求意见"),
    ),
    "consultation_answer": (
        f.ConsultationAnswerForm,
        Action.EDIT,
        (Status.CONSULTATION,),
        gettext_lazy("收到意见"),
    ),
    "extension": (
        f.ExtensionForm,
        Action.APPROVE,
        (Status.IN_PROGRESS, Status.CONSULTATION, Status.AWAITING_FEE),
        gettext_lazy("批准延期并告知"),
    ),
    "custom_due": (
        f.CustomDueDateForm,
        Action.APPROVE,
        (Status.IN_PROGRESS, Status.CONSULTATION, Status.AWAITING_FEE),
        gettext_lazy("另行确定答复期限"),
    ),
    "fee_notice": (
        f.FeeNoticeForm,
        Action.EDIT,
        (Status.IN_PROGRESS, Status.CONSULTATION),
        gettext_lazy("发出收费通知"),
    ),
    "payment": (f.PaymentForm, Action.EDIT, (Status.AWAITING_FEE,), gettext_lazy("登记缴费")),
    "reply": (
        f.ReplyForm,
        Action.EDIT,
        (
            Status.IN_PROGRESS,
            Status.AWAITING_AMENDMENT,
            Status.CONSULTATION,
            Status.AWAITING_FEE,
        ),
        gettext_lazy("答复"),
    ),
    "close": (f.CloseForm, Action.EDIT, (Status.REPLIED,), gettext_lazy("归档")),
    "note": (f.NoteForm, Action.EDIT, None, gettext_lazy("备注/添加材料")),
}


def _make_form(name, req, data=None, files=None):
    cls = ACTIONS[name][0]
    kw = {"prefix": name}
    if name == "assign":
        kw["agency"] = req.agency
    if name == "consultation_answer":
        kw["pending"] = services.open_consultations(req)
    return cls(data, files, **kw)


def _run(name, req, user, d):
    s = services
    if name == "confirm":
        return s.confirm_receipt(req, user, on=d["on"], method=d["method"], note=d["note"])
    if name == "assign":
        return s.assign(req, user, d["assignee"])
    if name == "amendment_request":
        return s.request_amendment(req, user, on=d["on"], items=d["items"],
                                   respond_by=d["respond_by"])  # fmt: skip
    if name == "amendment_received":
        return s.record_amendment(req, user, on=d["on"], note=d["note"], files=d["files"])
    if name == "consultation":
        return s.start_consultation(req, user, on=d["on"], party=d["party"], kind=d["kind"],
                                    reason=d["reason"], delivered_on=d["delivered_on"])  # fmt: skip
    if name == "consultation_answer":
        return s.answer_consultation(req, user, on=d["on"], ref=d["ref"], opinion=d["opinion"],
                                     note=d["note"], files=d["files"])  # fmt: skip
    if name == "extension":
        return s.grant_extension(req, user, on=d["on"], workdays=d["workdays"],
                                 reason=d["reason"])  # fmt: skip
    if name == "custom_due":
        return s.set_custom_due_date(req, user, on=d["on"], due_on=d["due_on"],
                                     reason=d["reason"])  # fmt: skip
    if name == "fee_notice":
        return s.issue_fee_notice(req, user, on=d["on"], method=d["method"], count=d["count"],
                                  pages=d["pages"], delivered_on=d["delivered_on"])  # fmt: skip
    if name == "payment":
        return s.record_payment(req, user, on=d["on"])
    if name == "reply":
        return s.reply(req, user, on=d["on"], outcome=d["outcome"], legal_basis=d["legal_basis"],
                       reasons=d["reasons"], files=d["files"])  # fmt: skip
    if name == "close":
        return s.close(req, user, on=d["on"], note=d["note"])
    if name == "note":
        return s.add_note(req, user, text=d["text"], files=d["files"])
    raise Http404


def _available_actions(user, req):
    out = []
    for name, (_cls, perm, statuses, label) in ACTIONS.items():
        if statuses is not None and req.status not in statuses:
            continue
        if name == "assign" and req.status not in OPEN_STATUSES:
            continue
        if not can(user, perm, req):
            continue
        out.append((name, label))
    return out


def _detail_context(request, req, bound=None):
    events = list(req.events.select_related("actor").prefetch_related("files"))
    try:
        state = services.compute_state(req, sorted(events, key=lambda e: (e.on, e.pk)))
    except Exception:  # noqa: BLE001 — a broken clock must not hide the case page
        state = None
    can_edit = can(request.user, Action.EDIT, req)
    actions = []
    for name, label in _available_actions(request.user, req):
        form = bound if bound is not None and bound.prefix == name else _make_form(name, req)
        actions.append({"name": name, "label": label, "form": form})
    return {
        "case": req,
        "events": events,
        "state": state,
        "clock_words": selectors.clock_words(state),
        "applicant": req.applicant if can_edit else None,
        "can_edit": can_edit,
        "actions": actions,
        "attachments": req.attachments.all(),
        "letters": req.letters.all(),
        "fee_notices": req.fee_notices.all(),
        "outcome_basis": services.OUTCOME_BASIS,
    }


@login_required
@require_POST
def letter_retry(request, pk):
    """Render a failed letter again, or a stuck pending one (after commit; the case itself is
    not touched)."""
    letter = get_object_or_404(Letter.objects.select_related("request"), pk=pk)
    if not can(request.user, Action.EDIT, letter.request):
        raise PermissionDenied
    if letter.status != LetterStatus.FAILED and not letter.stuck:
        messages.error(request, _("该文书不是生成失败状态。"))
    else:
        letters.retry(letter)
        messages.success(request, _("已重新生成文书：%(t)s") % {"t": letter.title})
    return redirect("inforequests:detail", pk=letter.request_id)


@login_required
def detail(request, pk):
    req = _case(request, pk)
    return render(request, "inforequests/detail.html", _detail_context(request, req))


@login_required
@require_POST
def act(request, pk, name):
    if name not in ACTIONS:
        raise Http404
    req = _case(request, pk)
    if not can(request.user, ACTIONS[name][1], req):
        raise PermissionDenied
    form = _make_form(name, req, request.POST, request.FILES)
    if form.is_valid():
        try:
            _run(name, req, request.user, form.cleaned_data)
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                for field, errs in e.message_dict.items():
                    target = field if field in form.fields else None
                    for msg in errs:
                        form.add_error(target, msg)
            else:
                for msg in e.messages:
                    form.add_error(None, msg)
        else:
            messages.success(request, _("已办理：%(a)s") % {"a": ACTIONS[name][3]})
            return redirect("inforequests:detail", pk=req.pk)
    req.refresh_from_db()
    messages.error(request, _("未能办理“%(a)s”，请按提示修改") % {"a": ACTIONS[name][3]})
    return render(request, "inforequests/detail.html", _detail_context(request, req, form),
                  status=400)  # fmt: skip


@login_required
def attachment(request, pk):
    a = get_object_or_404(Attachment.objects.select_related("request__agency"), pk=pk)
    if not can(request.user, Action.VIEW, a.request):
        raise PermissionDenied
    return FileResponse(a.file.open("rb"), as_attachment=True, filename=a.name)


# ---------------------------------------------------------------------------- intake


@login_required
def intake(request):
    agency = request.agency
    if not agency or not can(request.user, Action.EDIT, agency):
        raise PermissionDenied
    form = f.IntakeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        submitted_at = timezone.make_aware(datetime.combine(d["submitted_on"], time(9)))
        if d["submitted_on"] == timezone.localdate():
            submitted_at = timezone.now()
        try:
            req, code = services.submit(
                agency,
                actor=request.user,
                channel=d["channel"],
                applicant_type=d["applicant_type"],
                applicant={k: d[k] for k in f.IntakeForm.APPLICANT_FIELDS},
                description=d["description"],
                document_number=d["document_number"],
                form_requested=d["form_requested"],
                delivery=d["delivery"],
                fee_waiver_requested=d["fee_waiver_requested"],
                submitted_at=submitted_at,
                received_on=d["received_on"],
                files=d["files"],
                note=d["note"],
            )
        except ValidationError as e:
            for field, errs in e.message_dict.items():
                name = field.removeprefix("applicant.")
                if name == "submitted_at":
                    name = "submitted_on"
                for msg in errs:
                    form.add_error(name if name in form.fields else None, msg)
        else:
            # The access code is shown once, here, and never stored in clear.
            return render(request, "inforequests/created.html", {"case": req, "access_code": code})
    status = 400 if request.method == "POST" else 200
    return render(request, "inforequests/intake.html", {"form": form, "agency": agency},
                  status=status)  # fmt: skip


# ---------------------------------------------------------------------------- ledger


def _ledger_filters(request):
    agencies = agencies_for(request.user, Action.VIEW)
    form = f.LedgerFilterForm(request.GET or None, agencies=agencies)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
    return form, filters


@login_required
def ledger(request):
    if not agencies_for(request.user, Action.VIEW).exists():
        raise PermissionDenied
    form, filters = _ledger_filters(request)
    qs = selectors.ledger(request.user, filters)
    cell = _table3_cell(request)
    if cell:
        # Drill-down from table 三: the cases behind one figure (still only visible ones).
        year, row, column = cell
        agency_ids = qs.values_list("agency_id", flat=True).distinct()
        ids = selectors.table3_queryset(agency_ids, year, row, column).values("pk")
        qs = qs.filter(pk__in=ids)
    if request.GET.get("export") == "xlsx":
        return _xlsx(request, qs)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    return render(
        request,
        "inforequests/ledger.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "total": page.paginator.count,
            "cell": cell,
        },
    )


def _table3_cell(request):
    """``?year=2025&row=withheld.state_secret&column=natural`` → (year, row, column) or None."""
    from gongkai.reportschema import APPLICANT_TYPES

    year, row = request.GET.get("year", ""), request.GET.get("row", "")
    column = request.GET.get("column", "total")
    rows = {"new", "carried_over", "outcomes_total", "carried_forward", *OUTCOME_KEYS}
    rows |= {"withheld", "unavailable", "not_processed", "other"}
    if not (year.isdigit() and row in rows and column in (*APPLICANT_TYPES, "total")):
        return None
    return int(year), row, column


XLSX_COLUMNS = [
    ("tracking_number", gettext_lazy("申请编号")),
    ("agency", gettext_lazy("受理机关")),
    ("channel", gettext_lazy("申请方式")),
    ("submitted_at", gettext_lazy("提交时间")),
    ("received_on", gettext_lazy("收到申请之日")),
    ("applicant_type", gettext_lazy("申请人类型")),
    ("applicant_name", gettext_lazy("申请人")),
    ("description", gettext_lazy("申请内容")),
    ("status", gettext_lazy("状态")),
    ("due_on", gettext_lazy("答复期限")),
    ("replied_on", gettext_lazy("答复日期")),
    ("outcome", gettext_lazy("办理结果")),
    ("legal_basis", gettext_lazy("法律依据")),
    ("assignee", gettext_lazy("承办人")),
]


def _xlsx(request, qs):
    """The internal ledger export. Applicant names appear only for cases of agencies where the
    user is staff who may act (EDIT); supervisors see the rest without names. Phone numbers, ID
    numbers, e-mail and addresses are never exported: the ledger does not need them, and an
    XLSX travels further than the case page."""
    from openpyxl import Workbook

    from gongkai.core.spreadsheet import safe_row

    editable = set(agencies_for(request.user, Action.EDIT).values_list("pk", flat=True))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("依申请公开台账"))
    header = [str(label) for _k, label in XLSX_COLUMNS]
    ws.append(header)
    for r in qs.select_related("applicant").iterator(chunk_size=1000):
        name = ""
        if r.agency_id in editable:
            name = getattr(getattr(r, "applicant", None), "name", "")
        # descriptions are typed by applicants: no cell may run as a formula
        ws.append(
            safe_row(
                [
                    r.tracking_number,
                    r.agency.name,
                    r.get_channel_display(),
                    timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
                    r.received_on,
                    r.get_applicant_type_display(),
                    name,
                    r.description[:500],
                    r.get_status_display(),
                    r.due_on,
                    r.replied_on,
                    r.outcome_label,
                    r.legal_basis,
                    (r.assignee.get_full_name() or r.assignee.username) if r.assignee else "",
                ]
            )
        )
    resp = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = (
        f'attachment; filename="ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    wb.save(resp)
    return resp


@login_required
def table3(request):
    agencies = agencies_for(request.user, Action.VIEW)
    if not agencies.exists():
        raise PermissionDenied
    year_s = request.GET.get("year", "")
    year = int(year_s) if year_s.isdigit() and 2008 <= int(year_s) <= 2100 else date.today().year
    agency = request.agency if request.agency in agencies else agencies.first()
    if request.GET.get("agency", "").isdigit():
        agency = agencies.filter(pk=request.GET["agency"]).first() or agency
    subtree = request.GET.get("subtree") == "1"
    ids = (
        list(agencies.filter(path__startswith=agency.path).values_list("pk", flat=True))
        if subtree
        else [agency.pk]
    )
    cells = selectors.table3_counts(ids, year)
    cols = [(c.key, _(c.label)) for c in APPLICANT_COLUMNS]
    rows = [("new", _("一、本年新收政府信息公开申请数量")),
            ("carried_over", _("二、上年结转政府信息公开申请数量"))]  # fmt: skip
    rows += list(OUTCOME_CHOICES)
    rows += [("outcomes_total", _("（七）总计")), ("carried_forward", _("四、结转下年度继续办理"))]
    grid = [
        (k, label, [(c, cells[f"applications.{k}.{c}"]) for c, _l in cols]) for k, label in rows
    ]
    return render(
        request,
        "inforequests/table3.html",
        {
            "grid": grid,
            "cols": cols,
            "year": year,
            "agency": agency,
            "subtree": subtree,
            "agencies": agencies[:500],
            "years": range(date.today().year, 2018, -1),
        },
    )
