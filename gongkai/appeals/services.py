"""Writes for appeals: one function per business action, each in a transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from gongkai.agencies.permissions import Action, can

from .models import Appeal

FIELDS = (
    "kind",
    "case_number",
    "body",
    "subject",
    "filed_on",
    "decided_on",
    "result",
    "notes",
    "info_request",
)


def _apply(appeal: Appeal, data: dict) -> None:
    for f in FIELDS:
        if f in data:
            setattr(appeal, f, data[f])


@transaction.atomic
def record_appeal(user, agency, **data) -> Appeal:
    if not can(user, Action.EDIT, agency):
        raise PermissionDenied
    appeal = Appeal(agency=agency, created_by=user if user.is_authenticated else None)
    _apply(appeal, data)
    appeal.full_clean()
    appeal.save()
    return appeal


@transaction.atomic
def update_appeal(user, appeal: Appeal, **data) -> Appeal:
    if not can(user, Action.EDIT, appeal):
        raise PermissionDenied
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    _apply(appeal, data)
    appeal.full_clean()
    appeal.save()
    return appeal
