"""URL map. Each bounded context owns two URL modules:

- ``<app>/urls.py``: the staff area, mounted under ``/staff/<prefix>/`` (namespace ``<app>``);
- ``<app>/public_urls.py``: portal pages, mounted at the site root (namespace ``<app>_public``),
  each app keeping to its own path prefixes.
"""

from django.contrib import admin
from django.urls import include, path

from gongkai.api import api

STAFF_APPS = [
    ("publications", "publications"),
    ("requests", "inforequests"),
    ("appeals", "appeals"),
    ("reports", "annualreports"),
    ("supervision", "supervision"),
    ("calendar", "workcalendar"),
]
PUBLIC_APPS = ["publications", "inforequests", "annualreports", "supervision"]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("staff/", include("gongkai.agencies.urls")),
]
urlpatterns += [
    path(f"staff/{prefix}/", include(f"gongkai.{app}.urls")) for prefix, app in STAFF_APPS
]
urlpatterns += [path("", include(f"gongkai.{app}.public_urls")) for app in PUBLIC_APPS]
urlpatterns += [path("", include("gongkai.portal.urls"))]

# MEDIA_ROOT is never served as such, not even with DEBUG: it holds applicants' uploads and
# letters. Every file goes out through a view that checks who is asking.
