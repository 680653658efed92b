from django.urls import path

from . import views

app_name = "inforequests"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.intake, name="intake"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/table3/", views.table3, name="table3"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:name>/", views.act, name="act"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("letters/<int:pk>/retry/", views.letter_retry, name="letter_retry"),
]
