"""The permission matrix: every role × relation × action, asserted cell by cell."""

import pytest
from django.contrib.auth import get_user_model

from gongkai.agencies.models import Membership, Role
from gongkai.agencies.permissions import Action, agencies_for, can

# relation of the target agency to the member's agency
OWN, CHILD, PARENT, OTHER = "own", "child", "parent", "other"
Y, N = True, False
# EXPECTED[role][action] = (own, child, parent, other)
EXPECTED = {
    Role.CLERK: {
        Action.VIEW: (Y, N, N, N),
        Action.EDIT: (Y, N, N, N),
        Action.REVIEW: (N, N, N, N),
        Action.APPROVE: (N, N, N, N),
        Action.SUPERVISE: (N, N, N, N),
        Action.MANAGE: (N, N, N, N),
    },
    Role.REVIEWER: {
        Action.VIEW: (Y, N, N, N),
        Action.EDIT: (Y, N, N, N),
        Action.REVIEW: (Y, N, N, N),
        Action.APPROVE: (N, N, N, N),
        Action.SUPERVISE: (N, N, N, N),
        Action.MANAGE: (N, N, N, N),
    },
    Role.HEAD: {
        Action.VIEW: (Y, N, N, N),
        Action.EDIT: (Y, N, N, N),
        Action.REVIEW: (Y, N, N, N),
        Action.APPROVE: (Y, N, N, N),
        Action.SUPERVISE: (N, N, N, N),
        Action.MANAGE: (N, N, N, N),
    },
    Role.SUPERVISOR: {
        Action.VIEW: (Y, Y, N, N),
        Action.EDIT: (N, N, N, N),
        Action.REVIEW: (N, N, N, N),
        Action.APPROVE: (N, N, N, N),
        Action.SUPERVISE: (Y, Y, N, N),
        Action.MANAGE: (N, N, N, N),
    },
    Role.ADMIN: {
        Action.VIEW: (Y, Y, N, N),
        Action.EDIT: (N, N, N, N),
        Action.REVIEW: (N, N, N, N),
        Action.APPROVE: (N, N, N, N),
        Action.SUPERVISE: (N, N, N, N),
        Action.MANAGE: (Y, Y, N, N),
    },
}


@pytest.fixture
def tree(demo):
    me = demo["青山市"]  # a city government
    return {
        OWN: me,
        CHILD: demo["青山市:松林县:城关镇"],  # a grandchild: subtree reaches all the way down
        PARENT: demo["province"],
        OTHER: demo["白水市"],
    }


@pytest.mark.parametrize("role", list(EXPECTED))
def test_matrix(tree, role):
    user = get_user_model().objects.create_user(f"u_{role}", password="x-pass-12345")
    Membership.objects.create(user=user, agency=tree[OWN], role=role)
    for action, cells in EXPECTED[role].items():
        for relation, expected in zip((OWN, CHILD, PARENT, OTHER), cells, strict=True):
            got = can(user, action, tree[relation])
            assert got is expected, f"{role} {action} on {relation}: expected {expected}, got {got}"


def test_objects_with_agency_attribute_are_checked_through_it(tree):
    user = get_user_model().objects.create_user("c", password="x-pass-12345")
    Membership.objects.create(user=user, agency=tree[OWN], role=Role.CLERK)

    class Record:
        def __init__(self, agency):
            self.agency = agency

    assert can(user, "edit", Record(tree[OWN]))
    assert not can(user, "edit", Record(tree[OTHER]))
    assert not can(user, "edit", object())


def test_anonymous_and_inactive_users_can_do_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not can(AnonymousUser(), "view", tree[OWN])
    user = get_user_model().objects.create_user("gone", password="x-pass-12345", is_active=False)
    Membership.objects.create(user=user, agency=tree[OWN], role=Role.HEAD)
    assert not can(user, "view", tree[OWN])


def test_agencies_for_matches_can(tree, demo):
    user = get_user_model().objects.create_user("s", password="x-pass-12345")
    Membership.objects.create(user=user, agency=tree[OWN], role=Role.SUPERVISOR)
    visible = set(agencies_for(user, "view").values_list("pk", flat=True))
    for agency in demo.values():
        assert (agency.pk in visible) == can(user, "view", agency)
    assert len(visible) == tree[OWN].subtree().count() == 15
