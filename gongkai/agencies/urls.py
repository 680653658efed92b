from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "agencies"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("switch/", views.switch_agency, name="switch"),
    path("agencies/", views.subtree, name="subtree"),
    path("agencies/<int:pk>/settings/", views.agency_settings, name="settings"),
]
