import pytest


@pytest.fixture
def edu(demo):
    return demo["青山市:教育局"]


@pytest.fixture
def users(demo):
    from django.contrib.auth import get_user_model

    U = get_user_model()
    return {u.username: u for u in U.objects.all()}


def make_requests(agency, specs, start=0):
    """Bulk-create applications straight into the derived columns (what services.recompute
    would store): specs = [(received_on, replied_on|None, outcome|None, applicant_type)]."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.inforequests.models import InfoRequest

    objs = []
    for i, (received, replied, outcome, atype) in enumerate(specs, start=start):
        objs.append(
            InfoRequest(
                agency=agency,
                tracking_number=f"{received.year}-{i:06d}",
                access_code_hash="x",
                channel="online",
                submitted_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))),
                applicant_type=atype,
                description="某文件",
                form_requested="electronic",
                delivery="email",
                received_on=received,
                replied_on=replied,
                outcome=outcome,
                status="replied" if replied else "in_progress",
            )
        )
    return InfoRequest.objects.bulk_create(objs)
