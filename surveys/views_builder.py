"""Staff pages of the questionnaire builder and of distribution (R-SVY-1, R-SVY-2)."""

from __future__ import annotations

from django.views.generic import TemplateView

from core.views import PermissionRequiredMixin, ScopedObjectMixin
from surveys import builder, distribution, rules
from surveys.models import Questionnaire, Survey


class QuestionnaireDetailView(PermissionRequiredMixin, ScopedObjectMixin, TemplateView):
    model = Questionnaire
    permission = rules.VIEW_QUESTIONNAIRE
    template_name = "surveys/builder/questionnaire_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qn = self.get_scoped_object(Questionnaire.objects.select_related("org_unit"))
        ctx.update(qn=qn, object=qn, actions=builder.actions_for(self.request.user, qn))
        return ctx


class SurveyDetailView(PermissionRequiredMixin, ScopedObjectMixin, TemplateView):
    model = Survey
    permission = rules.VIEW
    template_name = "surveys/distribution/survey_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        survey = self.get_scoped_object(Survey.objects.select_related("org_unit", "questionnaire", "version"))
        ctx.update(survey=survey, object=survey, actions=distribution.actions_for(self.request.user, survey))
        return ctx
