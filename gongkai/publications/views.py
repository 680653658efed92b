"""Staff views for 主动公开 (mounted at /staff/publications/, namespace ``publications``).

Every view checks ``can(user, action, obj)``; the workflow rules themselves live in services.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy  # module-level labels: per request language
from django.views.decorators.http import require_POST

from gongkai.agencies.permissions import Action, agencies_for, can

from . import selectors, services
from .forms import (
    AttachmentForm,
    ColumnForm,
    CorrectionForm,
    ImportForm,
    IndexNumberSettingsForm,
    InterpretationForm,
    NoteForm,
    PublicationForm,
    ReviewForm,
    ValidityForm,
    WaiveForm,
)
from .models import (
    Attachment,
    Column,
    ColumnKind,
    FindingState,
    IndexNumberSettings,
    Interpretation,
    PrivacyFinding,
    Publication,
    PublicationChange,
    PublicationKind,
    PublicationVersion,
    Status,
    Validity,
)
from .services import PublicationError


def _agency(request, action=Action.VIEW):
    agency = request.agency
    if agency is None or not can(request.user, action, agency):
        raise PermissionDenied
    return agency


def _publication(request, pk, action=Action.VIEW) -> Publication:
    pub = get_object_or_404(Publication.objects.select_related("agency", "column"), pk=pk)
    if not can(request.user, action, pub):
        raise PermissionDenied
    return pub


def _can_manage_columns(user, agency) -> bool:
    return can(user, Action.APPROVE, agency) or can(user, Action.MANAGE, agency)


STATUS_TABS = [
    ("", gettext_lazy("全部")),
    (Status.DRAFT, Status.DRAFT.label),
    (Status.SUBMITTED, Status.SUBMITTED.label),
    (Status.REVIEWED, Status.REVIEWED.label),
    (Status.APPROVED, Status.APPROVED.label),
    (Status.PUBLISHED, Status.PUBLISHED.label),
    (Status.WITHDRAWN, Status.WITHDRAWN.label),
]


@login_required
def index(request):
    agency = _agency(request)
    # A 公开办 may look at its whole subtree (read only: actions still check per record).
    subtree = request.GET.get("scope") == "subtree" and can(request.user, Action.SUPERVISE, agency)
    if subtree:
        base = Publication.objects.filter(
            agency__in=agencies_for(request.user, Action.VIEW).filter(path__startswith=agency.path)
        )
    else:
        base = Publication.objects.filter(agency=agency)
    counts = selectors.status_counts(base)
    qs = base.select_related("column", "agency")
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(index_number__icontains=q) | Q(document_number__icontains=q)
        )
    column = request.GET.get("column", "")
    if column.isdigit():
        qs = qs.filter(column_id=int(column))
    kind = request.GET.get("kind", "")
    if kind in PublicationKind.values:
        qs = qs.filter(kind=kind)
    validity = request.GET.get("validity", "")
    if validity in Validity.values:
        qs = qs.filter(validity=validity)
    if request.GET.get("late") == "1":
        # Late first publication, or a correction/republication late on its own clock.
        late_changes = PublicationChange.objects.filter(is_late=True).values("publication_id")
        qs = qs.filter(Q(is_late=True) | Q(pk__in=late_changes))
    qs = qs.order_by("-updated_at", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    tabs = [
        {
            "key": key,
            "label": label,
            "count": sum(counts.values()) if not key else counts.get(key, 0),
            "active": key == status,
        }
        for key, label in STATUS_TABS
    ]
    return render(
        request,
        "publications/staff/index.html",
        {
            "agency": agency,
            "page": page,
            "tabs": tabs,
            "columns": Column.objects.filter(agency=agency),
            "kinds": PublicationKind.choices,
            "validities": Validity.choices,
            "filters": {
                "q": q,
                "column": column,
                "kind": kind,
                "validity": validity,
                "status": status,
                "late": request.GET.get("late", ""),
                "scope": "subtree" if subtree else "",
            },
            "subtree": subtree,
            "can_supervise": can(request.user, Action.SUPERVISE, agency),
            "can_edit": can(request.user, Action.EDIT, agency),
            "can_manage_columns": _can_manage_columns(request.user, agency),
            "has_columns": Column.objects.filter(agency=agency).exists(),
        },
    )


@login_required
def create(request):
    agency = _agency(request, Action.EDIT)
    if not Column.objects.filter(agency=agency).exists():
        services.ensure_catalogue(agency)  # first use: the statutory columns
    form = PublicationForm(
        request.POST or None,
        agency=agency,
        initial={"formed_on": timezone.localdate(), "disclosure_mode": "proactive"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            pub = services.create_publication(request.user, agency, form.service_data())
        except PublicationError as e:
            form.add_error(None, e.message)
        else:
            n = pub.privacy_findings.filter(state=FindingState.OPEN).count()
            messages.success(request, _("草稿已保存，索引号 %(n)s。") % {"n": pub.index_number})
            if n:
                messages.warning(
                    request, _("隐私检查发现%(n)d处个人信息，请在下方处理。") % {"n": n}
                )
            return redirect("publications:detail", pk=pub.pk)
    return render(
        request,
        "publications/staff/form.html",
        {"form": form, "agency": agency, "title": _("新建主动公开信息")},
    )


@login_required
def edit(request, pk):
    pub = _publication(request, pk, Action.EDIT)
    if pub.status != Status.DRAFT:
        messages.error(request, _("只有草稿可以修改。"))
        return redirect("publications:detail", pk=pub.pk)
    form = PublicationForm(request.POST or None, instance=pub, agency=pub.agency)
    if request.method == "POST" and form.is_valid():
        # The form's instance was mutated by validation: give the service a fresh copy.
        try:
            services.update_publication(
                request.user, Publication.objects.get(pk=pub.pk), form.service_data()
            )
        except PublicationError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("publications:detail", pk=pub.pk)
    return render(
        request,
        "publications/staff/form.html",
        {"form": form, "agency": pub.agency, "pub": pub, "title": _("修改草稿")},
    )


@login_required
def correct(request, pk):
    pub = _publication(request, pk, Action.APPROVE)
    if pub.status != Status.PUBLISHED:
        messages.error(request, _("只有已发布的信息可以更正。"))
        return redirect("publications:detail", pk=pub.pk)
    form = CorrectionForm(request.POST or None, instance=pub, agency=pub.agency)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            services.correct_publication(
                request.user,
                Publication.objects.get(pk=pub.pk),
                data,
                form.cleaned_data["change_note"],
                changed_on=form.cleaned_data["changed_on"],
            )
        except PublicationError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("已更正，更正说明将显示在公开页面。"))
            return redirect("publications:detail", pk=pub.pk)
    return render(
        request,
        "publications/staff/form.html",
        {"form": form, "agency": pub.agency, "pub": pub, "title": _("更正已发布信息")},
    )


@login_required
def detail(request, pk):
    pub = _publication(request, pk)
    user = request.user
    findings = pub.privacy_findings.select_related("attachment", "waived_by").order_by(
        "state", "attachment_id", "start"
    )
    return render(
        request,
        "publications/staff/detail.html",
        {
            "pub": pub,
            "agency": pub.agency,
            "findings": findings,
            "open_findings": [f for f in findings if f.state == FindingState.OPEN],
            "attachments": pub.attachments.all(),
            "records": pub.review_records.select_related("reviewer"),
            "versions": pub.versions.select_related("created_by")[:20],
            "interpretations": pub.interpretation_links.select_related("interpretation"),
            "explains": pub.explains_links.select_related("policy"),
            "can_edit": can(user, Action.EDIT, pub),
            "can_review": can(user, Action.REVIEW, pub),
            "can_approve": can(user, Action.APPROVE, pub),
            "review_form": ReviewForm(initial={"disclosure_mode": pub.disclosure_mode}),
            "changes": pub.changes.all(),
            "today": timezone.localdate(),
            "note_form": NoteForm(),
            "validity_form": ValidityForm(initial={"validity": pub.validity}),
            "attachment_form": AttachmentForm(),
            "waive_form": WaiveForm(),
            "interpretation_form": InterpretationForm(),
            "pre_publication": pub.status
            in (Status.DRAFT, Status.SUBMITTED, Status.REVIEWED, Status.APPROVED),
        },
    )


FIELD_LABELS = {
    "title": gettext_lazy("名称"),
    "index_number": gettext_lazy("索引号"),
    "document_number": gettext_lazy("文号"),
    "issued_on": gettext_lazy("成文日期"),
    "formed_on": gettext_lazy("形成或者变更日期"),
    "published_at": gettext_lazy("发布日期"),
    "republished_at": gettext_lazy("重新发布时间"),
    "column": gettext_lazy("栏目"),
    "publisher": gettext_lazy("发布机构"),
    "summary": gettext_lazy("内容概述"),
    "keywords": gettext_lazy("主题词"),
    "topic": gettext_lazy("主题分类"),
    "genre": gettext_lazy("体裁"),
    "disclosure_mode": gettext_lazy("公开属性"),
    "withheld_ground": gettext_lazy("不予公开理由"),
    "kind": gettext_lazy("文件类型"),
    "validity": gettext_lazy("有效性"),
    "validity_changed_on": gettext_lazy("有效性变更日期"),
    "status": gettext_lazy("状态"),
    "attachments": gettext_lazy("附件"),
}


@login_required
def version(request, pk, number):
    """One snapshot of the version history, with what changed since the previous one."""
    pub = _publication(request, pk)
    v = get_object_or_404(PublicationVersion, publication=pub, number=number)
    prev = PublicationVersion.objects.filter(publication=pub, number__lt=number).first()
    rows = []
    for key, label in FIELD_LABELS.items():
        value = v.data.get(key)
        before = prev.data.get(key) if prev else None
        rows.append(
            {
                "label": label,
                "value": "、".join(value) if isinstance(value, list) else value,
                "changed": prev is not None and value != before,
            }
        )
    return render(
        request,
        "publications/staff/version.html",
        {
            "pub": pub,
            "agency": pub.agency,
            "v": v,
            "rows": rows,
            "body_changed": prev is not None and prev.body != v.body,
        },
    )


# Each action: (permission, handler(request, pub) -> success message).
def _act_submit(request, pub):
    services.submit(request.user, pub, request.POST.get("note", ""))
    return _("已提交审核。")


def _act_review(request, pub):
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise PublicationError(_("请完整填写审核意见。"))
    d = form.cleaned_data
    services.review(
        request.user,
        pub,
        disclosure_mode=d["disclosure_mode"],
        secrecy_ok=d["secrecy_ok"],
        withheld_ground=d["withheld_ground"] or "",
        note=d["note"],
    )
    return _("审核通过，已送负责人批准。")


def _act_return(request, pub):
    services.return_to_draft(request.user, pub, request.POST.get("note", ""))
    return _("已退回修改。")


def _act_approve(request, pub):
    services.approve(request.user, pub, request.POST.get("note", ""))
    return _("已批准。")


def _act_publish(request, pub):
    services.publish(request.user, pub)
    return _("已发布。")


def _act_reopen(request, pub):
    raw = request.POST.get("changed_on", "").strip()
    try:
        changed_on = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise PublicationError(_("变更日期格式不正确，请按“年-月-日”填写。")) from None
    services.reopen(request.user, pub, request.POST.get("note", ""), changed_on)
    return _("已转为草稿，更正后请按审核流程重新发布。")


def _act_withdraw(request, pub):
    services.withdraw(request.user, pub, request.POST.get("note", ""))
    return _("已撤回。")


def _act_validity(request, pub):
    form = ValidityForm(request.POST)
    if not form.is_valid():
        raise PublicationError(_("请正确填写有效性和变更日期。"))
    d = form.cleaned_data
    other = None
    if d["superseded_by"].strip():
        other = Publication.objects.filter(index_number=d["superseded_by"].strip()).first()
        if other is None or not can(request.user, Action.VIEW, other):
            raise PublicationError(_("找不到该索引号的文件。"))
    services.change_validity(
        request.user, pub, d["validity"], d["changed_on"], other, d["note"] or ""
    )
    return _("有效性已更新。")


ACTIONS = {
    "submit": (Action.EDIT, _act_submit),
    "review": (Action.REVIEW, _act_review),
    "return": (Action.REVIEW, _act_return),
    "approve": (Action.APPROVE, _act_approve),
    "publish": (Action.APPROVE, _act_publish),
    "withdraw": (Action.APPROVE, _act_withdraw),
    "reopen": (Action.APPROVE, _act_reopen),
    "validity": (Action.REVIEW, _act_validity),
}


@login_required
@require_POST
def action(request, pk, name):
    if name not in ACTIONS:
        raise Http404
    perm, handler = ACTIONS[name]
    pub = _publication(request, pk, perm)
    try:
        messages.success(request, handler(request, pub))
    except PublicationError as e:
        messages.error(request, e.message)
    return redirect("publications:detail", pk=pub.pk)


# --- attachments ---------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request, pk):
    pub = _publication(request, pk, Action.EDIT)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
    else:
        try:
            att = services.add_attachment(request.user, pub, form.cleaned_data["file"])
        except PublicationError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("已上传附件：%(n)s") % {"n": att.original_name})
    return redirect("publications:detail", pk=pub.pk)


def _attachment(request, pk, action):
    att = get_object_or_404(Attachment.objects.select_related("publication__agency"), pk=pk)
    if not can(request.user, action, att.publication):
        raise PermissionDenied
    return att


@login_required
@require_POST
def attachment_replace(request, pk):
    att = _attachment(request, pk, Action.EDIT)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择处理后的文件。"))
    else:
        try:
            services.replace_attachment(request.user, att, form.cleaned_data["file"])
        except PublicationError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("附件已替换。"))
    return redirect("publications:detail", pk=att.publication_id)


@login_required
@require_POST
def attachment_delete(request, pk):
    att = _attachment(request, pk, Action.EDIT)
    pub_id = att.publication_id
    try:
        services.remove_attachment(request.user, att)
    except PublicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("附件已删除。"))
    return redirect("publications:detail", pk=pub_id)


@login_required
def attachment_download(request, pk):
    att = _attachment(request, pk, Action.VIEW)
    try:
        fh = att.file.open("rb")
    except FileNotFoundError as e:
        raise Http404 from e
    return FileResponse(fh, as_attachment=True, filename=att.original_name)


# --- privacy findings ----------------------------------------------------------------------------


def _finding(request, pk, action):
    f = get_object_or_404(PrivacyFinding.objects.select_related("publication__agency"), pk=pk)
    if not can(request.user, action, f.publication):
        raise PermissionDenied
    return f


@login_required
@require_POST
def finding_mask(request, pk):
    f = _finding(request, pk, Action.EDIT)
    try:
        services.mask_finding(request.user, f)
    except PublicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已遮盖为 %(m)s。") % {"m": f.masked})
    return redirect("publications:detail", pk=f.publication_id)


@login_required
@require_POST
def finding_waive(request, pk):
    f = _finding(request, pk, Action.REVIEW)
    try:
        services.waive_finding(request.user, f, request.POST.get("reason", ""))
    except PublicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("已确认可以公开。"))
    return redirect("publications:detail", pk=f.publication_id)


# --- interpretations -----------------------------------------------------------------------------


@login_required
@require_POST
def interpretation_add(request, pk):
    """Link this publication (a 政策解读) to the policy it explains."""
    pub = _publication(request, pk, Action.EDIT)
    number = request.POST.get("index_number", "").strip()
    policy = Publication.objects.filter(index_number=number).first()
    if policy is None or not can(request.user, Action.VIEW, policy):
        messages.error(request, _("找不到索引号为“%(n)s”的文件。") % {"n": number})
    else:
        try:
            services.link_interpretation(request.user, policy, pub)
        except PublicationError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("已关联政策文件：%(t)s") % {"t": policy.title})
    return redirect("publications:detail", pk=pub.pk)


@login_required
@require_POST
def interpretation_delete(request, pk):
    link = get_object_or_404(Interpretation.objects.select_related("interpretation"), pk=pk)
    if not can(request.user, Action.EDIT, link.interpretation):
        raise PermissionDenied
    back = link.interpretation_id
    services.unlink_interpretation(request.user, link)
    messages.success(request, _("已取消关联。"))
    return redirect("publications:detail", pk=back)


# --- the clock -----------------------------------------------------------------------------------


@login_required
def clock(request):
    agency = _agency(request)
    ids = [agency.pk]
    today = timezone.localdate()
    due_soon, late = (
        list(selectors.due_soon(ids, today)),
        list(selectors.late_unpublished(ids, today)),
    )
    # Corrections / republications: their own 20-WD clock from the change date (Art. 26).
    due_soon_changes = list(selectors.changes_due_soon(ids, today))
    late_changes = list(selectors.changes_late_unpublished(ids, today))
    return render(
        request,
        "publications/staff/clock.html",
        {
            "agency": agency,
            "today": today,
            "due_soon": due_soon,
            "late": late,
            "late_published": selectors.late_published(ids, today.year)[:50],
            "due_soon_changes": due_soon_changes,
            "late_changes": late_changes,
            "late_count": len(late) + len(late_changes),
            "due_soon_count": len(due_soon) + len(due_soon_changes),
            "late_published_changes": selectors.late_published_changes(ids, today.year)[:50],
            "stale": selectors.stale_columns(ids, today),
        },
    )


# --- columns and index-number settings -----------------------------------------------------------


@login_required
def columns(request):
    agency = _agency(request)
    manage = _can_manage_columns(request.user, agency)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if request.POST.get("ensure"):
            services.ensure_catalogue(agency)
            messages.success(request, _("已补齐法定栏目。"))
            return redirect("publications:columns")
    form = ColumnForm(request.POST or None, agency=agency, prefix="new")
    if request.method == "POST" and request.POST.get("add") and form.is_valid():
        col = form.save(commit=False)
        col.agency = agency
        col.kind = ColumnKind.CUSTOM
        col.save()
        messages.success(request, _("已新增栏目：%(n)s") % {"n": col.name})
        return redirect("publications:columns")
    settings_obj = IndexNumberSettings.objects.filter(agency=agency).first()
    settings_form = IndexNumberSettingsForm(instance=settings_obj)
    return render(
        request,
        "publications/staff/columns.html",
        {
            "agency": agency,
            "columns": Column.objects.filter(agency=agency).select_related("parent"),
            "form": form,
            "settings_form": settings_form,
            "manage": manage,
            "example": _index_example(agency),
        },
    )


def _index_example(agency):
    from gongkai.rules.index_numbers import IndexNumberError, format_index_number

    try:
        return format_index_number(
            services.index_template(agency), agency.org_code, agency.uscc, timezone.localdate(), 1
        )
    except IndexNumberError as e:
        return e.message


@login_required
def column_edit(request, pk):
    col = get_object_or_404(Column.objects.select_related("agency"), pk=pk)
    if not _can_manage_columns(request.user, col.agency):
        raise PermissionDenied
    form = ColumnForm(request.POST or None, instance=col, agency=col.agency)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("栏目已保存。"))
        return redirect("publications:columns")
    return render(
        request,
        "publications/staff/column_form.html",
        {"form": form, "col": col, "agency": col.agency},
    )


@login_required
@require_POST
def index_settings(request):
    agency = _agency(request)
    if not _can_manage_columns(request.user, agency):
        raise PermissionDenied
    instance = IndexNumberSettings.objects.filter(agency=agency).first() or IndexNumberSettings(
        agency=agency
    )
    form = IndexNumberSettingsForm(request.POST, instance=instance)
    if form.is_valid():
        form.save()
        messages.success(request, _("索引号规则已保存；已生成的索引号不会改变。"))
    else:
        for err in form.non_field_errors() + [e for es in form.errors.values() for e in es]:
            messages.error(request, err)
    return redirect("publications:columns")


# --- import --------------------------------------------------------------------------------------


@login_required
def import_view(request):
    from .importer import ImportFormatError, import_file

    agency = _agency(request)
    if not _can_manage_columns(request.user, agency):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_file(upload, agency, user=request.user, filename=upload.name)
        except ImportFormatError as e:
            form.add_error("file", e.message)
        else:
            if result.imported:
                messages.success(request, _("已导入 %(n)d 条。") % {"n": result.imported})
            if result.errors:
                messages.warning(
                    request, _("%(n)d 行未能导入，见下方列表。") % {"n": len(result.errors)}
                )
    return render(
        request,
        "publications/staff/import.html",
        {"agency": agency, "form": form, "result": result},
    )
