from django.urls import path

from . import views

app_name = "publications"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/action/<slug:name>/", views.action, name="action"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/interpretations/", views.interpretation_add, name="interpretation_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/replace/", views.attachment_replace, name="attachment_replace"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("findings/<int:pk>/mask/", views.finding_mask, name="finding_mask"),
    path("findings/<int:pk>/waive/", views.finding_waive, name="finding_waive"),
    path(
        "interpretations/<int:pk>/delete/",
        views.interpretation_delete,
        name="interpretation_delete",
    ),
    path("clock/", views.clock, name="clock"),
    path("columns/", views.columns, name="columns"),
    path("columns/<int:pk>/", views.column_edit, name="column_edit"),
    path("index-numbers/", views.index_settings, name="index_settings"),
    path("import/", views.import_view, name="import"),
]
