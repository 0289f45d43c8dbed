from core.views import ScopedDetailView
from rectification.models import Problem


class ProblemDetailView(ScopedDetailView):
    model = Problem
    permission = "rectification.view_problem"
    template_name = "rectification/problem_detail.html"
