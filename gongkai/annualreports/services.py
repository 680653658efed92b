"""Writes for annual reports, one function per business action, each in a transaction.

Workflow: draft → reviewed (reviewer/head) → published (head; Regulation Art. 49). Publishing
rebuilds every cell, runs reportschema.check_cells — the same checks a published report gets
from the checker — and refuses while there is any error (an identity violation; review refuses
these too) or any warning the head has not acknowledged with a written reason (warnings are
heuristics, ANNUAL_REPORT_FORMAT.md §4.5: "flag, do not fail"); it then freezes the cells and
narrative into an immutable ReportVersion, with the acknowledged warnings beside the snapshot. A correction reopens the draft and publishes a
new version whose change note the portal shows.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.permissions import Action, can
from gongkai.reportschema import format_value, get_format

from . import builder, narrative
from .conf import counting_rules
from .models import (
    AnnualReport,
    ManualFigure,
    ReportStatus,
    ReportVersion,
    WarningAcknowledgement,
)


def _require(user, action, obj) -> None:
    if not can(user, action, obj):
        raise PermissionDenied


def last_year_section_5(agency, year: int) -> str:
    v = (
        ReportVersion.objects.filter(report__agency=agency, report__year=year - 1)
        .order_by("-number")
        .first()
    )
    if v is not None:
        return v.snapshot.get("narrative", {}).get("五", "")
    prev = AnnualReport.objects.filter(agency=agency, year=year - 1).first()
    return prev.section_5 if prev else ""


@transaction.atomic
def open_report(user, agency, year: int) -> AnnualReport:
    """The agency's report for `year`, created with a draft narrative from the data."""
    _require(user, Action.VIEW, agency)
    report = AnnualReport.objects.filter(agency=agency, year=year).first()
    if report is not None:
        return report
    _require(user, Action.EDIT, agency)
    if year < 2019 or year > timezone.localdate().year:
        raise ValidationError(_("只能编制2019年及以后、且不晚于今年的年度报告。"))
    fmt = builder.format_for(year)
    report = AnnualReport(agency=agency, year=year, format=fmt)
    redraft(report)
    report.save()
    return report


def redraft(report: AnnualReport) -> None:
    """Fill the narrative with a draft written from the data (not saved)."""
    cells = builder.build_cells([report.agency_id], report.year, report.format)
    prev = builder.previous_cells(report.agency, report.year)
    fees = builder.fees_charged_yuan([report.agency_id], report.year)
    report.section_1 = narrative.draft_section_1(report.agency.name, report.year, cells, prev)
    report.section_5 = narrative.draft_section_5(last_year_section_5(report.agency, report.year))
    report.section_6 = narrative.draft_section_6(fees)


def _editable(report: AnnualReport) -> AnnualReport:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.PUBLISHED:
        raise ValidationError(_("报告已发布。如需修改，请先发起更正。"))
    return report


@transaction.atomic
def save_narrative(user, report: AnnualReport, **sections) -> AnnualReport:
    _require(user, Action.EDIT, report)
    report = _editable(report)
    for name in ("section_1", "section_5", "section_6"):
        if name in sections and sections[name] is not None:
            setattr(report, name, narrative.sanitize(sections[name]))
    if "change_note" in sections and sections["change_note"] is not None:
        report.change_note = sections["change_note"].strip()
    report.status = ReportStatus.DRAFT  # any edit needs a new review
    report.save()
    return report


@transaction.atomic
def set_manual_figure(user, report: AnnualReport, cell_key: str, value, source_note: str):
    _require(user, Action.EDIT, report)
    report = _editable(report)
    if cell_key not in builder.manual_keys(report.format):
        raise ValidationError(_("该单元格由系统根据记录自动统计，不能手工填报：%s") % cell_key)
    if not (source_note or "").strip():
        raise ValidationError(_("请注明数据来源。"))
    spec = get_format(report.format).cell(cell_key)
    try:
        v = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("请输入数字。")) from None
    if not v.is_finite():
        raise ValidationError(_("请输入数字。"))
    if spec.kind in ("count", "signed") and v != v.to_integral_value():
        raise ValidationError(_("“%s”应为整数。") % _(spec.row_label))
    if spec.kind != "signed" and v < 0:
        raise ValidationError(_("“%s”不能为负数。") % _(spec.row_label))
    if abs(v) >= Decimal(10) ** 12:
        raise ValidationError(_("数值过大。"))
    fig, _created = ManualFigure.objects.update_or_create(
        report=report,
        cell_key=cell_key,
        defaults={"value": v, "source_note": source_note.strip(), "entered_by": user},
    )
    report.status = ReportStatus.DRAFT
    report.save(update_fields=["status", "updated_at"])
    return fig


def finding_key(f) -> str:
    """Identity of a finding as shown (code, place, message — so its figures)."""
    return hashlib.sha256(f"{f.code}\x1f{f.where}\x1f{f.message}".encode()).hexdigest()


def warning_rows(report: AnnualReport, built: builder.Built) -> list[dict]:
    """The report's current warnings, each with its key and acknowledgement (or None)."""
    acks = {a.fingerprint: a for a in report.acknowledgements.select_related("acknowledged_by")}
    return [
        {"finding": f, "key": finding_key(f), "ack": acks.get(finding_key(f))}
        for f in built.warnings
    ]


def _check_errors(report: AnnualReport) -> builder.Built:
    """Errors (identity violations) stop review and publication."""
    built = builder.build_report(report)
    if built.blocking:
        msgs = "；".join(f.message for f in built.blocking[:5])
        raise ValidationError(_("报告未通过校验，不能提交：%s") % msgs)
    return built


def _check_publishable(report: AnnualReport) -> tuple[builder.Built, list[dict]]:
    """No errors, and every warning acknowledged by the head with a reason."""
    built = _check_errors(report)
    rows = warning_rows(report, built)
    open_ = [r["finding"] for r in rows if r["ack"] is None]
    if open_:
        msgs = "；".join(f"[{f.code}] {f.message}" for f in open_[:5])
        raise ValidationError(_("以下警告须由负责人逐条确认并说明理由后才能发布：%s") % msgs)
    return built, rows


@transaction.atomic
def mark_reviewed(user, report: AnnualReport) -> AnnualReport:
    _require(user, Action.REVIEW, report)
    report = _editable(report)
    _check_errors(report)  # warnings do not stop review; the head acknowledges them
    report.status = ReportStatus.REVIEWED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    report.save()
    return report


def snapshot(report: AnnualReport, built: builder.Built, number: int, when) -> dict:
    """What a published version is: printed cells, narrative, rules, sources. No personal data."""
    manual = {
        m.cell_key: {"value": format_value(m.value.normalize()), "source_note": m.source_note}
        for m in report.manual.all()
    }
    return {
        "agency": {
            "id": report.agency_id,
            "name": report.agency.name,
            "uscc": report.agency.uscc,
            "kind": report.agency.kind,
            "level": report.agency.level,
        },
        "year": report.year,
        "format": report.format,
        "version": number,
        "published_at": when.isoformat(),
        "cells": {k: format_value(v) for k, v in built.cells.items()},
        "manual": manual,
        "narrative": {"一": report.section_1, "五": report.section_5, "六": report.section_6},
        "counting_rules": counting_rules(),
        "fees_charged_yuan": format_value(
            builder.fees_charged_yuan([report.agency_id], report.year)
        ),
        "change_note": report.change_note if number > 1 else "",
        "trend": builder.trend(report.agency, report.year, built.cells),
    }


@transaction.atomic
def publish(user, report: AnnualReport) -> ReportVersion:
    _require(user, Action.APPROVE, report)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.REVIEWED:
        raise ValidationError(_("报告须经审核后才能发布。"))
    built, warnings = _check_publishable(report)
    last = report.versions.order_by("-number").first()
    number = (last.number if last else 0) + 1
    if number > 1 and not report.change_note.strip():
        raise ValidationError(_("更正版本须填写更正说明。"))
    now = timezone.now()
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        snapshot=snapshot(report, built, number, now),
        change_note=report.change_note if number > 1 else "",
        published_by=user,
        published_at=now,
        acknowledged_warnings=[
            {
                "code": w["finding"].code,
                "where": w["finding"].where,
                "message": w["finding"].message,
                "reason": w["ack"].reason,
                "by": _user_name(w["ack"].acknowledged_by),
                "by_id": w["ack"].acknowledged_by_id,
                "at": w["ack"].acknowledged_at.isoformat(),
            }
            for w in warnings
        ],
    )
    report.status = ReportStatus.PUBLISHED
    report.save()
    return version


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


MAX_REASON = 1000


@transaction.atomic
def acknowledge_warning(user, report: AnnualReport, key: str, reason: str):
    """The head (APPROVE) publishes despite one warning and says why. The reason is kept with
    the published version and shown to staff, not in the public report."""
    _require(user, Action.APPROVE, report)
    report = _editable(report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写确认理由：说明为什么该警告不影响报告的准确性。"))
    if len(reason) > MAX_REASON:
        raise ValidationError(_("理由不能超过%(n)d字。") % {"n": MAX_REASON})
    built = builder.build_report(report)
    finding = next((f for f in built.warnings if finding_key(f) == key), None)
    if finding is None:
        raise ValidationError(_("该警告已不存在（数字可能已变化），请查看最新的校验结果。"))
    ack, _created = WarningAcknowledgement.objects.update_or_create(
        report=report,
        fingerprint=key,
        defaults={
            "code": finding.code,
            "where": finding.where[:300],
            "message": finding.message,
            "reason": reason,
            "acknowledged_by": user,
        },
    )
    return ack


@transaction.atomic
def start_correction(user, report: AnnualReport, change_note: str = "") -> AnnualReport:
    _require(user, Action.EDIT, report)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.PUBLISHED:
        raise ValidationError(_("只有已发布的报告才能更正。"))
    report.status = ReportStatus.DRAFT
    report.change_note = change_note.strip()
    report.save()
    return report


@transaction.atomic
def return_to_draft(user, report: AnnualReport) -> AnnualReport:
    _require(user, Action.REVIEW, report)
    report = _editable(report)
    report.status = ReportStatus.DRAFT
    report.save()
    return report


@transaction.atomic
def set_manual_figures(user, report: AnnualReport, entries: dict[str, tuple[str, str]]) -> int:
    """Several figures at once, all or nothing. entries: {cell_key: (value, source_note)};
    an empty value leaves the figure as it is. Raises ValidationError({key: message})."""
    errors: dict[str, str] = {}
    saved = 0
    for key, (value, note) in entries.items():
        if str(value).strip() == "":
            continue
        try:
            with transaction.atomic():
                set_manual_figure(user, report, key, value, note)
            saved += 1
        except ValidationError as exc:
            errors[key] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)
    return saved
