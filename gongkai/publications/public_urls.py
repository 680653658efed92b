from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from . import public_views as views

app_name = "publications_public"
urlpatterns = [
    path("agencies/<int:agency_id>/catalogue/", views.catalogue, name="catalogue"),
    path(
        "agencies/<int:agency_id>/columns/<int:column_id>/feed/",
        views.column_feed,
        name="column_feed",
    ),
    path("documents/<int:pk>/", views.document, name="document"),
    path(
        "documents/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
    path("search/", views.search, name="search"),
    # The site's sitemap index; other modules can add sections to views.SITEMAPS.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": views.SITEMAPS, "sitemap_url_name": "publications_public:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": views.SITEMAPS},
        name="sitemap_section",
    ),
]
