"""Staff views of the supervising office (公开办) and of agencies answering its problem lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Length
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import Action, can
from gongkai.rules import workdays

from . import checking, selectors, services
from .forms import (
    AnswerForm,
    FilterForm,
    ProblemItemFormSet,
    ProblemListForm,
    ReviewForm,
    UploadForm,
)
from .models import Category, CheckBatch, CheckedReport, Problem, ProblemList

PAGE_SIZE = 100
RECTIFY_WORKDAYS = 15  # default time allowed for rectification; the supervisor may change it


def _supervising_agency(request) -> Agency:
    agency = request.agency
    if agency is None or not can(request.user, Action.SUPERVISE, agency):
        raise PermissionDenied
    return agency


def _messages_from(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --------------------------------------------------------------------------- dashboard


@login_required
def index(request):
    agency = request.agency
    if agency is not None and not can(request.user, Action.SUPERVISE, agency):
        # Staff of a supervised agency land on the problem lists addressed to them.
        if can(request.user, Action.VIEW, agency):
            return redirect("supervision:received")
    agency = _supervising_agency(request)
    form = FilterForm(request.GET or None)
    valid = form.is_valid()
    level = form.cleaned_data["level"] if valid else ""
    rows, totals, available = selectors.dashboard_rows(request.user, agency, level=level or None)
    if valid and form.cleaned_data["problems"]:
        rows = [r for r in rows if r.problem_total]
        totals = selectors.totals_of(rows, available)
    sort = request.GET.get("sort", "")
    if sort not in selectors.SORT_KEYS:
        sort = ""
    descending = request.GET.get("dir", "desc" if sort in selectors.COUNT_KEYS else "asc") == "desc"
    rows = selectors.sort_rows(rows, sort, descending)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    base_query = {k: v for k, v in query.items() if k not in ("sort", "dir")}
    columns = [
        ("overdue", _("超期申请")),
        ("due_soon", _("3个工作日内到期")),
        ("late_publications", _("逾期公开")),
        ("stale_columns", _("栏目未按期更新")),
    ]
    headers = []
    for key, label in [
        ("name", _("机关")),
        ("level", _("层级")),
        *columns,
        ("report", _("%(y)d年年报") % {"y": timezone.localdate().year - 1}),
        ("open_lists", _("未办结问题清单")),
    ]:
        numeric = key in selectors.COUNT_KEYS
        next_dir = "asc" if (sort == key and descending) else "desc"
        if sort != key and not numeric:
            next_dir = "asc"
        params = {**base_query, "sort": key, "dir": next_dir}
        headers.append(
            {
                "key": key,
                "label": label,
                "numeric": numeric,
                "query": urlencode(params),
                "sorted": ("descending" if descending else "ascending") if sort == key else "",
                "available": key in available or key in ("name", "level"),
            }
        )
    return render(
        request,
        "supervision/index.html",
        {
            "agency": agency,
            "form": form,
            "page": page,
            "rows": page.object_list,
            "totals": totals,
            "available": available,
            "headers": headers,
            "total_cells": [totals[k] for k, _l in columns],
            "page_query": query.urlencode(),
            "n_agencies": len(rows),
        },
    )


@login_required
def agency_detail(request, pk):
    """Drill-down: what lies behind one agency's row of the table."""
    supervisor = _supervising_agency(request)
    target = get_object_or_404(Agency, pk=pk)
    if not target.is_in_subtree_of(supervisor) or not can(request.user, Action.SUPERVISE, target):
        raise PermissionDenied
    return render(
        request,
        "supervision/agency_detail.html",
        {
            "agency": target,
            "d": selectors.agency_details(target),
            "lists": selectors.issued_lists(request.user, supervisor).filter(agency=target),
            "year": timezone.localdate().year - 1,
        },
    )


# --------------------------------------------------------------------------- problem lists (supervisor)


@login_required
def issued(request):
    agency = _supervising_agency(request)
    lists = selectors.issued_lists(request.user, agency)
    status = request.GET.get("status")
    if status:
        lists = lists.filter(status=status)
    target = request.GET.get("agency")
    if target and target.isdigit():
        lists = lists.filter(agency_id=int(target))
    page = Paginator(lists, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/issued.html", {"agency": agency, "page": page})


def _items_from_report(user, agency, report_id) -> list[dict]:
    row = CheckedReport.objects.select_related("batch").filter(pk=report_id).first()
    if row is None or not can(user, Action.SUPERVISE, row.batch.agency):
        return []
    from django.urls import reverse

    link = reverse("supervision:checker_report", args=[row.batch_id, row.pk])
    items = []
    for n, f in enumerate(row.result.get("findings") or [], start=1):
        if f.get("severity") == "info":
            continue
        desc = f"《{row.result.get('agency') or row.file_name}》{row.result.get('year') or ''}" + _(
            "年度报告：%(m)s"
        ) % {"m": f.get("message", "")}
        if f.get("evidence"):
            desc += _("（原文：%(e)s）") % {"e": f["evidence"][:200]}
        items.append(
            {
                "category": Category.REPORT_FINDING,
                "description": desc,
                "evidence_url": f"{link}#ev-{n}",
            }
        )
    if row.error:
        items.append(
            {
                "category": Category.REPORT_FINDING,
                "description": _("年度报告文件“%(f)s”无法读取：%(e)s")
                % {"f": row.file_name, "e": row.error},
                "evidence_url": link,
            }
        )
    return items


@login_required
def create_list(request):
    supervisor = _supervising_agency(request)
    target_id = request.POST.get("agency") or request.GET.get("agency")
    target = Agency.objects.filter(pk=target_id).first() if str(target_id or "").isdigit() else None
    if (
        target is None
        or not target.is_in_subtree_of(supervisor)
        or not can(request.user, Action.SUPERVISE, target)
    ):
        raise PermissionDenied
    today = timezone.localdate()
    errors: list[str] = []
    if request.method == "POST":
        form = ProblemListForm(request.POST)
        formset = ProblemItemFormSet(request.POST, prefix="items")
        if form.is_valid() and formset.is_valid():
            try:
                plist = services.issue_problem_list(
                    request.user,
                    supervisor,
                    target,
                    title=form.cleaned_data["title"],
                    due_on=form.cleaned_data["due_on"],
                    items=[f.cleaned_data for f in formset.forms if f.cleaned_data],
                )
            except ValidationError as exc:
                errors = _messages_from(exc)
            else:
                messages.success(request, _("问题清单已下发给%(a)s。") % {"a": target.name})
                return redirect("supervision:list_detail", pk=plist.pk)
    else:
        report_id = request.GET.get("report")
        if report_id and str(report_id).isdigit():
            items = _items_from_report(request.user, supervisor, int(report_id))
            title = _("关于%(a)s政府信息公开工作年度报告问题的整改通知") % {"a": target.name}
        else:
            items = selectors.current_problems(request.user, supervisor, target, today)
            title = _("关于%(a)s政府信息公开工作问题的整改通知") % {"a": target.name}
        form = ProblemListForm(
            initial={
                "title": title,
                "due_on": workdays.add_workdays(today, RECTIFY_WORKDAYS, target.region_code or ""),
            }
        )
        formset = ProblemItemFormSet(initial=items, prefix="items")
    return render(
        request,
        "supervision/create_list.html",
        {
            "supervisor": supervisor,
            "target": target,
            "form": form,
            "formset": formset,
            "errors": errors,
        },
    )


@login_required
def list_detail(request, pk):
    plist = get_object_or_404(ProblemList.objects.select_related("issuer", "agency"), pk=pk)
    if not selectors.can_supervise_list(request.user, plist):
        raise PermissionDenied
    return render(
        request,
        "supervision/list_detail.html",
        {
            "plist": plist,
            "items": selectors.problems_of(plist),
            "review_form": ReviewForm(),
            "supervising": True,
        },
    )


def _problem_action(request, pk, fn):
    problem = get_object_or_404(Problem.objects.select_related("problem_list"), pk=pk)
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        fn(request.user, problem, note)
    except ValidationError as exc:
        for m in _messages_from(exc):
            messages.error(request, m)
    return problem


@login_required
@require_POST
def accept(request, pk):
    problem = _problem_action(request, pk, services.accept_problem)
    messages.info(request, _("已处理：第%(n)d项。") % {"n": problem.position})
    return redirect("supervision:list_detail", pk=problem.problem_list_id)


@login_required
@require_POST
def reopen(request, pk):
    problem = _problem_action(request, pk, services.reopen_problem)
    messages.info(request, _("已处理：第%(n)d项。") % {"n": problem.position})
    return redirect("supervision:list_detail", pk=problem.problem_list_id)


# --------------------------------------------------------------------------- problem lists (addressee)


def _own_agency(request) -> Agency:
    agency = request.agency
    if agency is None or not can(request.user, Action.VIEW, agency):
        raise PermissionDenied
    return agency


@login_required
def received(request):
    agency = _own_agency(request)
    lists = selectors.received_lists(request.user, agency)
    return render(request, "supervision/received.html", {"agency": agency, "lists": lists})


@login_required
def received_detail(request, pk):
    agency = _own_agency(request)
    plist = get_object_or_404(
        ProblemList.objects.select_related("issuer", "agency"), pk=pk, agency=agency
    )
    can_answer = selectors.can_answer_list(request.user, plist)
    return render(
        request,
        "supervision/list_detail.html",
        {
            "plist": plist,
            "items": selectors.problems_of(plist),
            "answer_form": AnswerForm(initial={"rectified_on": timezone.localdate()}),
            "can_answer": can_answer,
            "supervising": False,
        },
    )


@login_required
@require_POST
def answer(request, pk):
    agency = _own_agency(request)
    problem = get_object_or_404(
        Problem.objects.select_related("problem_list"), pk=pk, problem_list__agency=agency
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errs in form.errors.values():
            for m in errs:
                messages.error(request, m)
    else:
        try:
            services.answer_problem(
                request.user, problem, form.cleaned_data["note"], form.cleaned_data["rectified_on"]
            )
        except ValidationError as exc:
            for m in _messages_from(exc):
                messages.error(request, m)
        else:
            messages.success(request, _("第%(n)d项整改情况已提交。") % {"n": problem.position})
    return redirect("supervision:received_detail", pk=problem.problem_list_id)


# --------------------------------------------------------------------------- checker


@login_required
def checker(request):
    agency = _supervising_agency(request)
    errors = []
    year = timezone.localdate().year - 1
    if request.method == "POST" and request.POST.get("platform_year"):
        py = request.POST["platform_year"]
        batch = None
        if py.isdigit():
            scope = selectors.supervised_scope(request.user, agency).values("pk")
            batch = checking.create_batch_from_platform(request.user, agency, scope, int(py))
        if batch is None:
            errors.append(_("本平台上没有该年度已发布的年度报告。"))
        else:
            queued = checking.start_batch(batch)
            msg = ngettext(
                "共选取本平台%(n)d份已发布的年度报告进行检查（所辖全部机关）。",
                "共选取本平台%(n)d份已发布的年度报告进行检查（所辖全部机关）。",
                batch.total,
            ) % {"n": batch.total}
            if queued:
                msg += _("已转入后台检查，本页会自动刷新进度。")
            messages.info(request, msg)
            return redirect("supervision:checker_batch", pk=batch.pk)
    elif request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            errors.append(_("请选择要检查的年度报告文件。"))
        elif len(files) > checking.MAX_FILES:
            errors.append(_("一次最多上传%(n)d个文件。") % {"n": checking.MAX_FILES})
        else:
            batch = checking.create_batch(request.user, agency, files)
            if checking.start_batch(batch):
                messages.info(request, _("文件较多，已转入后台检查，本页会自动刷新进度。"))
            return redirect("supervision:checker_batch", pk=batch.pk)
    return render(
        request,
        "supervision/checker.html",
        {
            "agency": agency,
            "form": UploadForm(),
            "errors": errors,
            "batches": selectors.batches_for(request.user, agency)[:20],
            "available": checking.checker_available(),
            "max_mb": checking.MAX_FILE_BYTES // 1024 // 1024,
            "max_files": checking.MAX_FILES,
            "years": list(range(year, year - 6, -1)),
        },
    )


def _batch(request, pk) -> CheckBatch:
    batch = get_object_or_404(CheckBatch.objects.select_related("agency"), pk=pk)
    if not can(request.user, Action.SUPERVISE, batch.agency):
        raise PermissionDenied
    return batch


@login_required
def checker_batch(request, pk):
    batch = _batch(request, pk)
    rows = list(batch.reports.defer("source", "text"))
    for r in rows:
        findings = r.result.get("findings") or []
        r.n_error = sum(1 for f in findings if f.get("severity") == "error")
        r.n_warning = sum(1 for f in findings if f.get("severity") == "warning")
        r.n_info = sum(1 for f in findings if f.get("severity") == "info")
    return render(
        request,
        "supervision/checker_batch.html",
        {
            "batch": batch,
            "rows": rows,
            "running": batch.state != CheckBatch.State.DONE,
        },
    )


MAX_TARGETS = 2000


def _target_choices(user, agency, guess=None):
    qs = selectors.supervised_scope(user, agency).only("pk", "name", "depth", "path")
    targets = list(qs.order_by("path")[:MAX_TARGETS])
    if guess is not None and all(a.pk != guess.pk for a in targets):
        targets.insert(0, guess)
    return targets


def _guess_agency(user, agency, name: str):
    """The agency of the supervisor's subtree a checked report most likely belongs to: the
    same name, else the shortest name containing the report's (简称 → 全称)."""
    name = (name or "").strip()
    if len(name) < 2:
        return None
    scope = selectors.supervised_scope(user, agency)
    exact = scope.filter(Q(name=name) | Q(short_name=name)).order_by("depth").first()
    if exact:
        return exact
    return (
        scope.filter(name__contains=name).annotate(n=Length("name")).order_by("n", "depth").first()
    )


@login_required
def checker_report(request, pk, rid):
    batch = _batch(request, pk)
    row = get_object_or_404(CheckedReport.objects.defer("source"), pk=rid, batch=batch)
    findings = row.result.get("findings") or []
    marked_text, marked = checking.highlight(row.text, findings)
    items = [{**f, "n": n + 1, "marked": n in marked} for n, f in enumerate(findings)]
    cells = sorted((row.result.get("cells") or {}).items())
    figures = [
        (k, v)
        for k, v in sorted((row.result.get("figures") or {}).items())
        if not isinstance(v, list | dict)
    ]
    guess = _guess_agency(request.user, batch.agency, row.result.get("agency") or "")
    targets = _target_choices(request.user, batch.agency, guess)
    return render(
        request,
        "supervision/checker_report.html",
        {
            "batch": batch,
            "row": row,
            "findings": items,
            "marked_text": marked_text,
            "cells": cells,
            "figures": figures,
            "targets": targets,
            "guess": guess.pk if guess else None,
        },
    )


@login_required
def checker_xlsx(request, pk):
    batch = _batch(request, pk)
    from .export import reports_xlsx

    dicts = []
    for r in batch.reports.defer("source", "text"):
        d = dict(r.result) if r.result else {"file": r.file_name}
        d["file"] = r.file_name
        if r.error:
            d["error"] = r.error
        dicts.append(d)
    resp = HttpResponse(
        reports_xlsx(dicts),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    resp["Content-Disposition"] = f'attachment; filename="checker-{batch.pk}.xlsx"'
    return resp
