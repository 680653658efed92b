from django.utils.functional import SimpleLazyObject

from .permissions import staff_agencies

SESSION_KEY = "current_agency_id"


def _current_agency(request):
    user = request.user
    if not user.is_authenticated:
        return None
    mine = staff_agencies(user)
    wanted = request.session.get(SESSION_KEY)
    if wanted:
        agency = mine.filter(pk=wanted).first()
        if agency:
            return agency
    return mine.order_by("depth", "pk").first()


class CurrentAgencyMiddleware:
    """Sets ``request.agency``: the agency a staff member is working for right now (switchable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.agency = SimpleLazyObject(lambda: _current_agency(request))
        return self.get_response(request)
