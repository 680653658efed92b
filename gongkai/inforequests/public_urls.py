from django.urls import path

from . import public_views

app_name = "inforequests_public"
urlpatterns: list = [
    path("deadline/", public_views.deadline_calculator, name="deadline_calculator"),
]
