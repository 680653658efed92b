from django.urls import path

from . import public_views as v

app_name = "inforequests_public"
urlpatterns = [
    path("deadline/", v.deadline_calculator, name="deadline_calculator"),
    path("apply/", v.apply, name="apply"),
    path("apply/<int:agency_id>/", v.apply_to, name="apply_to"),
    path("apply/done/", v.applied, name="applied"),
    path("track/", v.track, name="track"),
    path("track/<int:pk>/", v.track_case, name="track_case"),
    path("track/<int:pk>/amend/", v.track_amend, name="track_amend"),
    path("track/<int:pk>/files/<int:file_id>/", v.track_file, name="track_file"),
    path("track/letters/<int:pk>/<str:fmt>/", v.letter_download, name="letter"),
]
