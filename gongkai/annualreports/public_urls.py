from django.urls import path  # noqa: F401

app_name = "annualreports_public"
urlpatterns: list = []
