from django.urls import path

from instructions import views, views_dispatch

app_name = "instructions"
urlpatterns = [
    path("", views.InstructionListView.as_view(), name="instruction_list"),
    path("export/", views.InstructionExportView.as_view(), name="instruction_export"),
    path("new/<str:kind>/<int:pk>/", views.InstructionCreateView.as_view(), name="instruction_create"),
    path("<int:pk>/", views.InstructionDetailView.as_view(), name="instruction_detail"),
    path("<int:pk>/answer/", views.InstructionAnswerView.as_view(), name="instruction_answer"),
    path("<int:pk>/close/", views.InstructionCloseView.as_view(), name="instruction_close"),
    path("<int:pk>/return/", views.InstructionReturnView.as_view(), name="instruction_return"),
    path("meetings/", views_dispatch.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views_dispatch.MeetingCreateView.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views_dispatch.MeetingDetailView.as_view(), name="meeting_detail"),
    path(
        "meetings/<int:pk>/items/<int:task_pk>/followup/",
        views_dispatch.FollowupCreateView.as_view(),
        name="meeting_followup",
    ),
]
