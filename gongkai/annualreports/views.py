"""Staff views: the report workbench (figures with drill-down, narrative, hand-entered
figures, review and publication), the deadline dashboard and the subtree roll-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.agencies.permissions import Action, can, supervised_subtree
from gongkai.reportschema import check_cells, get_format

from . import builder, outputs, services
from .cells import cell_queryset
from .conf import counting_rules
from .models import AnnualReport, ReportStatus
from .selectors import report_year_for, status_rows

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _current(request):
    agency = request.agency
    if agency is None or not can(request.user, Action.VIEW, agency):
        raise PermissionDenied
    return agency


def _report(request, pk, action=Action.VIEW) -> AnnualReport:
    report = get_object_or_404(AnnualReport.objects.select_related("agency"), pk=pk)
    if not can(request.user, action, report):
        raise PermissionDenied
    return report


def _errors(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


@login_required
def index(request):
    agency = _current(request)
    year = report_year_for(timezone.localdate())
    wanted = request.GET.get("open", "")
    if wanted.isdigit() and 2019 <= int(wanted) <= year + 1:
        return redirect("annualreports:open", int(wanted))
    return render(
        request,
        "annualreports/index.html",
        {
            "agency": agency,
            "reports": AnnualReport.objects.filter(agency=agency).order_by("-year"),
            "year": year,
            "status": status_rows([agency], year)[0],
            "can_edit": can(request.user, Action.EDIT, agency),
            "can_supervise": can(request.user, Action.SUPERVISE, agency),
        },
    )


@login_required
def open_report(request, year):
    agency = _current(request)
    existing = AnnualReport.objects.filter(agency=agency, year=year).first()
    if existing:
        return redirect("annualreports:detail", existing.pk)
    if request.method != "POST":
        return render(request, "annualreports/open.html", {"agency": agency, "year": year})
    try:
        report = services.open_report(request.user, agency, year)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("annualreports:index")
    return redirect("annualreports:detail", report.pk)


@login_required
def detail(request, pk):
    report = _report(request, pk)
    built = builder.build_report(report)
    doc = outputs.doc_from_report(report, built)

    def link(key):
        if key.startswith("proactive."):
            return None
        return reverse("annualreports:cell", args=[report.pk, key])

    marks = {k: _("手工填报：%s") % m["source_note"] for k, m in doc.manual.items()}
    ctx = outputs.body_context(doc, link=link, marks=marks)
    return render(
        request,
        "annualreports/detail.html",
        {
            **ctx,
            "report": report,
            "built": built,
            "errors": built.blocking,
            "warnings": services.warning_rows(report, built),
            "versions": report.versions.order_by("-number"),
            "can_edit": can(request.user, Action.EDIT, report),
            "can_review": can(request.user, Action.REVIEW, report),
            "can_approve": can(request.user, Action.APPROVE, report),
            "missing_labels": [_cell_label(report.format, k) for k in built.manual_missing],
        },
    )


def _cell_label(fmt: str, key: str) -> str:
    return cell_label(get_format(fmt).cell(key))


def cell_label(spec, sep=" · ") -> str:
    """A cell's row and column in the request's language (the labels of gongkai.reportschema are
    msgids; the report itself keeps the official Chinese)."""
    return f"{gettext(spec.row_label)}{sep}{gettext(spec.column_label)}"


@login_required
def cell(request, pk, key):
    report = _report(request, pk)
    fmt = get_format(report.format)
    if not fmt.has_cell(key) or key.startswith("proactive."):
        raise Http404
    qs = cell_queryset(key, [report.agency_id], report.year, report.format)
    cases = []
    if key.startswith("appeals."):
        for a in qs.order_by("filed_on", "pk")[:500]:
            cases.append(
                {
                    "number": a.case_number or a.subject,
                    "url": reverse("appeals:edit", args=[a.pk]),
                    "dates": f"{a.filed_on:%Y-%m-%d} → {a.decided_on:%Y-%m-%d}"
                    if a.decided_on
                    else f"{a.filed_on:%Y-%m-%d} →",
                    "what": a.get_kind_display(),
                    "result": a.get_result_display(),
                }
            )
    else:
        for r in qs.order_by("received_on", "pk")[:500]:
            cases.append(
                {
                    "number": r.tracking_number,
                    "url": _request_url(r.pk),
                    "dates": f"{r.received_on:%Y-%m-%d} → {r.replied_on:%Y-%m-%d}"
                    if r.replied_on
                    else f"{r.received_on:%Y-%m-%d} →",
                    "what": r.get_applicant_type_display(),
                    "result": r.get_outcome_display() if r.outcome else _("办理中"),
                }
            )
    spec = fmt.cell(key)
    return render(
        request,
        "annualreports/cell.html",
        {
            "report": report,
            "key": key,
            "label": cell_label(spec),
            "value": builder.build_cells([report.agency_id], report.year, report.format).get(key),
            "count": qs.count(),
            "cases": cases,
        },
    )


def _request_url(pk: int) -> str | None:
    try:
        return reverse("inforequests:detail", args=[pk])
    except NoReverseMatch:
        return None


@login_required
def edit(request, pk):
    report = _report(request, pk, Action.EDIT)
    if report.status == ReportStatus.PUBLISHED:
        messages.error(request, _("报告已发布。如需修改，请先发起更正。"))
        return redirect("annualreports:detail", report.pk)
    if request.method == "POST":
        try:
            services.save_narrative(
                request.user,
                report,
                section_1=request.POST.get("section_1"),
                section_5=request.POST.get("section_5"),
                section_6=request.POST.get("section_6"),
                change_note=request.POST.get("change_note"),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("annualreports:detail", report.pk)
    return render(
        request,
        "annualreports/edit.html",
        {
            "report": report,
            "last_year_5": services.last_year_section_5(report.agency, report.year),
            "fees_sentence": outputs.narrative.fee_sentence(
                builder.fees_charged_yuan([report.agency_id], report.year)
            ),
        },
    )


@login_required
@require_POST
def redraft(request, pk):
    report = _report(request, pk, Action.EDIT)
    if report.status == ReportStatus.PUBLISHED:
        raise PermissionDenied
    services.redraft(report)
    services.save_narrative(
        request.user,
        report,
        section_1=report.section_1,
        section_5=report.section_5,
        section_6=report.section_6,
    )
    messages.success(request, _("已根据最新数据重新生成初稿。"))
    return redirect("annualreports:edit", report.pk)


@login_required
def figures(request, pk):
    report = _report(request, pk, Action.EDIT)
    fmt = get_format(report.format)
    current = {m.cell_key: m for m in report.manual.all()}
    keys = builder.manual_keys(report.format)
    errors: dict = {}
    if request.method == "POST":
        entries = {
            k: (request.POST.get(f"v:{k}", ""), request.POST.get(f"s:{k}", "")) for k in keys
        }
        try:
            n = services.set_manual_figures(request.user, report, entries)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            messages.error(request, _("有数字未能保存，请检查标出的项目（本次未保存任何数字）。"))
        else:
            messages.success(request, _("已保存 %(n)s 项。") % {"n": n})
            return redirect("annualreports:detail", report.pk)
    rows = []
    for k in keys:
        spec = fmt.cell(k)
        m = current.get(k)
        rows.append(
            {
                "key": k,
                "label": cell_label(spec),
                # The 2021 format prints the unit in the column header already
                # (本年收费金额（单位：万元）): do not repeat it.
                "unit": "" if spec.unit in spec.column_label else gettext(spec.unit),
                "value": request.POST.get(f"v:{k}")
                if request.method == "POST"
                else (m.value.normalize() if m else ""),
                "note": request.POST.get(f"s:{k}")
                if request.method == "POST"
                else (m.source_note if m else ""),
                "by": m.entered_by if m else None,
                "error": "；".join(errors.get(k, [])),
            }
        )
    return render(request, "annualreports/figures.html", {"report": report, "rows": rows})


def _transition(request, pk, action, fn, ok_msg, **kw):
    report = _report(request, pk, action)
    try:
        fn(request.user, report, **kw)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, ok_msg)
    return redirect("annualreports:detail", report.pk)


@login_required
@require_POST
def review(request, pk):
    return _transition(
        request, pk, Action.REVIEW, services.mark_reviewed, _("已审核，等待负责人发布。")
    )


@login_required
@require_POST
def reopen(request, pk):
    return _transition(request, pk, Action.REVIEW, services.return_to_draft, _("已退回修改。"))


@login_required
@require_POST
def publish(request, pk):
    return _transition(request, pk, Action.APPROVE, services.publish, _("已发布到门户网站。"))


@login_required
@require_POST
def acknowledge(request, pk):
    return _transition(
        request,
        pk,
        Action.APPROVE,
        services.acknowledge_warning,
        _("已确认该警告，理由将随发布版本保存（仅工作人员可见）。"),
        key=request.POST.get("key", ""),
        reason=request.POST.get("reason", ""),
    )


@login_required
@require_POST
def correct(request, pk):
    return _transition(
        request,
        pk,
        Action.EDIT,
        services.start_correction,
        _("已发起更正：修改后须重新审核、发布，并填写更正说明。"),
        change_note=request.POST.get("change_note", ""),
    )


@login_required
def preview(request, pk, ext):
    report = _report(request, pk)
    if ext not in DOWNLOADS:
        raise Http404
    doc = outputs.doc_from_report(report, builder.build_report(report))
    return _download(doc, ext, f"{report.agency_id}-{report.year}-draft")


def _download(doc, ext: str, stem: str) -> HttpResponse:
    data = {
        "docx": outputs.to_docx,
        "pdf": outputs.to_pdf,
        "xlsx": outputs.to_xlsx,
        "json": outputs.to_json_bytes,
    }[ext](doc)
    resp = HttpResponse(data, content_type=DOWNLOADS[ext])
    if ext != "json":
        resp["Content-Disposition"] = f'attachment; filename="{stem}.{ext}"'
    return resp


@login_required
def dashboard(request):
    agency = _current(request)
    today = timezone.localdate()
    wanted = request.GET.get("year", "")
    year = (
        int(wanted) if wanted.isdigit() and 2019 <= int(wanted) <= 2100 else report_year_for(today)
    )
    if can(request.user, Action.SUPERVISE, agency):
        # the same scope as the supervision table (active agencies only)
        agencies = supervised_subtree(request.user, agency).order_by("path")
    else:
        agencies = [agency]
    rows = status_rows(agencies, year, today)
    counts = {
        lvl: sum(1 for r in rows if r["level"] == lvl) for lvl in ("ok", "warn", "late", "none")
    }
    return render(
        request,
        "annualreports/dashboard.html",
        {
            "agency": agency,
            "rows": rows,
            "year": year,
            "counts": counts,
            "january": today.month == 1,
        },
    )


@login_required
def rollup(request, year):
    agency = _current(request)
    if not can(request.user, Action.SUPERVISE, agency):
        raise PermissionDenied
    ids = list(
        supervised_subtree(request.user, agency, include_inactive=True).values_list("pk", flat=True)
    )
    fmt = builder.format_for(year)
    cells = builder.build_cells(ids, year, fmt)
    findings = check_cells(fmt, cells)
    doc = outputs.ReportDoc(
        agency_id=agency.pk,
        agency_name=f"{agency.name}（含下级机关汇总）",
        uscc=agency.uscc,
        year=year,
        fmt=fmt,
        cells=cells,
        narrative={},
        rules=counting_rules(),
    )
    return render(
        request,
        "annualreports/rollup.html",
        {
            "agency": agency,
            "year": year,
            "n": len(ids),
            "tables": outputs.tables_html(doc, prefix="r"),
            "sections": get_format(fmt).sections,
            "findings": findings,
        },
    )
