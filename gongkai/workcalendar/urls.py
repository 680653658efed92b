from django.urls import path

from . import views

app_name = "workcalendar"
urlpatterns = [path("", views.index, name="index")]
