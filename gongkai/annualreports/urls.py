from django.urls import path

from . import views

app_name = "annualreports"
urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("rollup/<int:year>/", views.rollup, name="rollup"),
    path("open/<int:year>/", views.open_report, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/redraft/", views.redraft, name="redraft"),
    path("<int:pk>/figures/", views.figures, name="figures"),
    path("<int:pk>/cells/<str:key>/", views.cell, name="cell"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/preview.<str:ext>", views.preview, name="preview"),
]
