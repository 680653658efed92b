from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("lists/", views.issued, name="issued"),
    path("lists/new/", views.create_list, name="create_list"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("problems/<int:pk>/accept/", views.accept, name="accept"),
    path("problems/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("received/", views.received, name="received"),
    path("received/<int:pk>/", views.received_detail, name="received_detail"),
    path("received/problems/<int:pk>/answer/", views.answer, name="answer"),
    path("checker/", views.checker, name="checker"),
    path("checker/<int:pk>/", views.checker_batch, name="checker_batch"),
    path("checker/<int:pk>/reports/<int:rid>/", views.checker_report, name="checker_report"),
    path("checker/<int:pk>/xlsx/", views.checker_xlsx, name="checker_xlsx"),
]
