"""Writes of the supervision app, one function per business action, each in a transaction.

Problem lists carry out RULES.md E2 (Art. 47: the supervising office orders rectification)
and E7 (Arts. 52–53: the organ one level up orders failures corrected).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import Action, can

from .models import Category, ListStatus, Problem, ProblemEvent, ProblemList, ProblemStatus

MAX_ITEMS = 200
# Evidence links are shown to the addressee as links: only platform paths or web addresses
# (never javascript: and the like).
_SAFE_URL = re.compile(r"^(?:/(?!/)|https?://)\S*$", re.IGNORECASE)


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied


@transaction.atomic
def issue_problem_list(
    user,
    issuer: Agency,
    agency: Agency,
    *,
    title: str,
    due_on: date,
    items: list[dict],
    issued_on: date | None = None,
) -> ProblemList:
    """Issue a problem list from ``issuer`` (a supervising agency) to ``agency`` in its subtree.

    ``items``: dicts with category, description and optionally evidence_url.
    """
    _require(can(user, Action.SUPERVISE, issuer) and can(user, Action.SUPERVISE, agency))
    if not agency.is_in_subtree_of(issuer):
        raise ValidationError(_("只能向本机关及下级机关下发问题清单。"))
    issued_on = issued_on or timezone.localdate()
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写问题清单标题。"))
    if due_on < issued_on:
        raise ValidationError(_("整改期限不能早于下发日期。"))
    clean = []
    for it in items:
        desc = (it.get("description") or "").strip()
        if not desc:
            continue
        cat = it.get("category") or Category.OTHER
        if cat not in Category.values:
            raise ValidationError(_("问题类别无效。"))
        url = (it.get("evidence_url") or "").strip()
        if url and (len(url) > 500 or not _SAFE_URL.match(url)):
            raise ValidationError(
                _("佐证链接须为本平台内的路径（以“/”开头）或 http(s) 网址：%(u)s") % {"u": url[:80]}
            )
        clean.append((cat, desc, url))
    if not clean:
        raise ValidationError(_("问题清单至少要有一项问题。"))
    if len(clean) > MAX_ITEMS:
        raise ValidationError(_("一份问题清单最多%(n)d项。") % {"n": MAX_ITEMS})
    plist = ProblemList.objects.create(
        issuer=issuer,
        agency=agency,
        title=title[:200],
        issued_on=issued_on,
        due_on=due_on,
        issued_by=user if user.is_authenticated else None,
    )
    Problem.objects.bulk_create(
        Problem(problem_list=plist, position=i, category=c, description=d, evidence_url=e)
        for i, (c, d, e) in enumerate(clean, start=1)
    )
    return plist


def _refresh_status(plist: ProblemList) -> None:
    """open: nothing answered yet; closed: every item accepted; rectifying otherwise."""
    statuses = list(plist.items.values_list("status", flat=True))
    if statuses and all(s == ProblemStatus.ACCEPTED for s in statuses):
        new = ListStatus.CLOSED
    elif (
        any(s != ProblemStatus.OPEN for s in statuses)
        or plist.items.filter(times_reopened__gt=0).exists()
    ):
        new = ListStatus.RECTIFYING
    else:
        new = ListStatus.OPEN
    if new != plist.status:
        plist.status = new
        plist.save(update_fields=["status", "updated_at"])


def _locked(problem: Problem) -> Problem:
    return (
        Problem.objects.select_for_update()
        .select_related("problem_list", "problem_list__agency", "problem_list__issuer")
        .get(pk=problem.pk)
    )


@transaction.atomic
def answer_problem(user, problem: Problem, note: str, rectified_on: date | None = None) -> Problem:
    """The addressee reports how it rectified one item (信息员/审核人/负责人 of that agency)."""
    problem = _locked(problem)
    _require(can(user, Action.EDIT, problem.problem_list.agency))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写整改情况。"))
    if problem.status == ProblemStatus.ACCEPTED:
        raise ValidationError(_("该问题已验收，无需再反馈。"))
    today = timezone.localdate()
    rectified_on = rectified_on or today
    if rectified_on > today:
        raise ValidationError(_("整改日期不能晚于今天。"))
    problem.rectification_note = note
    problem.rectified_on = rectified_on
    problem.answered_by = user
    problem.status = ProblemStatus.ANSWERED
    problem.save()
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.ANSWERED, note=note, on=rectified_on, by=user
    )
    _refresh_status(problem.problem_list)
    return problem


def _review(user, problem: Problem) -> Problem:
    problem = _locked(problem)
    plist = problem.problem_list
    _require(
        can(user, Action.SUPERVISE, plist.issuer) and can(user, Action.SUPERVISE, plist.agency)
    )
    return problem


@transaction.atomic
def accept_problem(user, problem: Problem, note: str = "") -> Problem:
    """The supervisor accepts the rectification of one item (验收)."""
    problem = _review(user, problem)
    if problem.status != ProblemStatus.ANSWERED:
        raise ValidationError(_("只能验收已反馈整改情况的问题。"))
    problem.status = ProblemStatus.ACCEPTED
    problem.review_note = (note or "").strip()
    problem.accepted_on = timezone.localdate()
    problem.reviewed_by = user
    problem.save()
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.ACCEPTED, note=problem.review_note, by=user
    )
    _refresh_status(problem.problem_list)
    return problem


@transaction.atomic
def reopen_problem(user, problem: Problem, note: str) -> Problem:
    """The supervisor sends an item back: the rectification is not sufficient."""
    problem = _review(user, problem)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("退回时请说明理由。"))
    if problem.status == ProblemStatus.OPEN:
        raise ValidationError(_("该问题尚未反馈整改情况。"))
    problem.status = ProblemStatus.OPEN
    problem.review_note = note
    problem.accepted_on = None
    problem.reviewed_by = user
    problem.times_reopened += 1
    problem.save()
    ProblemEvent.objects.create(
        problem=problem, kind=ProblemEvent.Kind.REOPENED, note=note, by=user
    )
    _refresh_status(problem.problem_list)
    return problem
