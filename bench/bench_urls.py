from django.http import HttpResponse
from django.urls import path

from gongkai.urls import urlpatterns as site


def bare(request):
    """The baseline: a Django view doing nothing, through the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench/bare/", bare), *site]
