from django.urls import path  # noqa: F401

app_name = "inforequests_public"
urlpatterns: list = []
