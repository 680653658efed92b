from django.urls import path

from . import public_views as views

app_name = "annualreports_public"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("agencies/<int:agency_id>/reports/", views.agency, name="agency"),
    path("reports/<int:agency_id>/<int:year>/", views.report, name="report"),
    path("reports/<int:agency_id>/<int:year>.<str:ext>", views.download, name="download"),
]
