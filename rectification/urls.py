from django.urls import path

from rectification import views

app_name = "rectification"
urlpatterns = [
    path("problems/<int:pk>/", views.ProblemDetailView.as_view(), name="problem_detail"),
]
