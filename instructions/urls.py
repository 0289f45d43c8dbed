from django.urls import path

from instructions import views

app_name = "instructions"
urlpatterns = [
    path("", views.InstructionListView.as_view(), name="instruction_list"),
    path("export/", views.InstructionExportView.as_view(), name="instruction_export"),
    path("new/<str:kind>/<int:pk>/", views.InstructionCreateView.as_view(), name="instruction_create"),
    path("<int:pk>/", views.InstructionDetailView.as_view(), name="instruction_detail"),
    path("<int:pk>/answer/", views.InstructionAnswerView.as_view(), name="instruction_answer"),
    path("<int:pk>/close/", views.InstructionCloseView.as_view(), name="instruction_close"),
    path("<int:pk>/return/", views.InstructionReturnView.as_view(), name="instruction_return"),
]
