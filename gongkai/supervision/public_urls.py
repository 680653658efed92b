from django.urls import path  # noqa: F401

app_name = "supervision_public"
urlpatterns: list = []
