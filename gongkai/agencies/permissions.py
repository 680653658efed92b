"""Who may do what to which object — the one place that decides.

Every view and service asks ``can(user, action, obj)``; lists are filtered with
``agencies_for(user, action)``. ``obj`` is an Agency or anything with an ``agency`` attribute
(a publication, an application, an appeal, a report).

Roles (GLOSSARY): clerk 信息员, reviewer 审核人, head 负责人, supervisor 公开办 (reads its whole
subtree, never writes case records), admin (manages agency data and memberships of its subtree).
"""

from __future__ import annotations

from enum import StrEnum

from django.db.models import Q, QuerySet

from .models import Agency, Membership, Role


class Action(StrEnum):
    VIEW = "view"  # staff view of records (cases, drafts, ledgers)
    EDIT = "edit"  # create and change records, enter applications, draft documents
    REVIEW = "review"  # 公开属性/保密审查 of publications, reviewing replies
    APPROVE = "approve"  # head's approval: extensions, publication, report publication
    SUPERVISE = "supervise"  # problem lists, dashboards over a subtree
    MANAGE = "manage"  # agency data, guide contacts, memberships, calendar


# Which roles grant which actions on the member's OWN agency.
OWN = {
    Action.VIEW: {Role.CLERK, Role.REVIEWER, Role.HEAD, Role.SUPERVISOR, Role.ADMIN},
    Action.EDIT: {Role.CLERK, Role.REVIEWER, Role.HEAD},
    Action.REVIEW: {Role.REVIEWER, Role.HEAD},
    Action.APPROVE: {Role.HEAD},
    Action.SUPERVISE: {Role.SUPERVISOR},
    Action.MANAGE: {Role.ADMIN},
}
# Which roles reach down into the member agency's SUBTREE (descendants).
SUBTREE = {
    Action.VIEW: {Role.SUPERVISOR, Role.ADMIN},
    Action.SUPERVISE: {Role.SUPERVISOR},
    Action.MANAGE: {Role.ADMIN},
}


def _agency_of(obj) -> Agency | None:
    if obj is None:
        return None
    if isinstance(obj, Agency):
        return obj
    return getattr(obj, "agency", None)


def _memberships(user) -> list[tuple[str, str, int]]:
    """(role, path, agency_id) for the user's memberships, cached on the user object."""
    cache = getattr(user, "_gongkai_memberships", None)
    if cache is None:
        cache = [
            (m.role, m.agency.path, m.agency_id)
            for m in Membership.objects.filter(user=user, agency__is_active=True).select_related(
                "agency"
            )
        ]
        user._gongkai_memberships = cache
    return cache


def roles_on(user, agency: Agency) -> set[str]:
    """The roles that apply to ``agency`` directly (own memberships)."""
    if not user or not user.is_authenticated:
        return set()
    return {role for role, _p, aid in _memberships(user) if aid == agency.pk}


def can(user, action: str | Action, obj) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    action = Action(action)
    if user.is_superuser:
        return True
    agency = _agency_of(obj)
    if agency is None:
        return False
    for role, path, aid in _memberships(user):
        if aid == agency.pk and role in OWN.get(action, set()):
            return True
        if aid != agency.pk and agency.path.startswith(path) and role in SUBTREE.get(action, set()):
            return True
    return False


def agencies_for(user, action: str | Action) -> QuerySet[Agency]:
    """All agencies on which ``user`` may perform ``action`` (for filtering lists)."""
    action = Action(action)
    if not user or not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    q = Q(pk__in=[])
    for role, path, aid in _memberships(user):
        if role in OWN.get(action, set()):
            q |= Q(pk=aid)
        if role in SUBTREE.get(action, set()):
            q |= Q(path__startswith=path)
    return Agency.objects.filter(q)


def supervised_subtree(
    user, agency: Agency, level: str | None = None, *, include_inactive: bool = False
) -> QuerySet[Agency]:
    """The agencies of ``agency``'s subtree that ``user`` supervises, the agency itself included
    (the 公开办 also oversees its own government's work).

    ACTIVE ones only by default: the one scope of every supervisor's status view (the
    supervision table, the annual-report dashboard) so that they list the same agencies.
    Figures summed over the subtree (the report roll-up) pass ``include_inactive=True``: the
    cases of an agency abolished or merged during the year still happened in that year."""
    qs = agencies_for(user, Action.SUPERVISE).filter(path__startswith=agency.path)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if level:
        qs = qs.filter(level=level)
    return qs


def staff_agencies(user) -> QuerySet[Agency]:
    """Agencies the user belongs to directly (for the agency switcher)."""
    if not user or not user.is_authenticated:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.filter(parent__isnull=True)
    ids = {aid for _r, _p, aid in _memberships(user)}
    return Agency.objects.filter(pk__in=ids)
