"""Pages of 人大履职测评: the list (filters by stage and year), the start form, one evaluation (the
stage bar, the forms its viewer may use now, one timeline of every dated step) and the action
forms: 提交自查报告, 发起代表测评, 记录评议会议, 形成问题清单, 形成结果报告.

Views are thin: the evaluation is loaded through the scope (outside → 404), surveys.evaluation
decides which forms appear (no permission → 403; wrong stage → back with the reason), one service
writes."""

from __future__ import annotations

from django.contrib import messages
from django.views.generic import TemplateView

from core import clock, scoping
from core import views as core_views
from core.views import PermissionRequiredMixin, ScopedListView, ServiceFormView
from surveys import evaluation as services
from surveys import evaluation_timeline as selectors
from surveys import forms_evaluation as forms
from surveys import rules
from surveys.models import Evaluation
from surveys.transitions import EVALUATION


class EvaluationListView(ScopedListView):
    model = Evaluation
    permission = rules.VIEW_EVALUATION
    filterset_class = forms.EvaluationFilterSet
    template_name = "surveys/evaluation/evaluation_list.html"
    paginate_by = 50

    def base_queryset(self):
        return selectors.ledger(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = scoping.has_any(self.request.user, rules.ADD_EVALUATION)
        ctx["page_sizes"] = core_views.PAGE_SIZES
        return ctx


class EvaluationCreateView(core_views.SubmitOnceMixin, ServiceFormView):
    permission = rules.ADD_EVALUATION
    form_class = forms.EvaluationForm
    template_name = "surveys/evaluation/evaluation_form.html"
    success_message = "履职测评已启动，被测评部门将收到提交自查报告的提醒"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.evaluation_create(actor=self.request.user, **form.cleaned_data)


class EvaluationDetailView(PermissionRequiredMixin, TemplateView):
    permission = rules.VIEW_EVALUATION
    template_name = "surveys/evaluation/evaluation_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ev = selectors.detail(user, self.kwargs["pk"], clock.today())
        initial = {"revision": ev.revision}
        ctx.update(
            ev=ev,
            object=ev,
            actions=services.actions_for(user, ev),
            next_label=next((EVALUATION[a].label for a in EVALUATION.actions_from(ev.stage)), ""),
            self_report_form=forms.SelfReportForm(initial=initial),
            survey_form=forms.SurveyStartForm(initial=initial, user=user),
            meeting_form=forms.MeetingForm(initial=initial),
            problems_form=forms.ProblemsForm(initial=initial),
            result_form=forms.ResultForm(initial=initial),
        )
        return ctx


class _ActionView(core_views.SubmitOnceMixin, core_views.CheckedFormView):
    """A form on one evaluation: the rule first, then one service; back to the evaluation."""

    model = Evaluation
    permission = rules.VIEW_EVALUATION
    template_name = "surveys/evaluation/action_form.html"
    action = ""
    multipart = False

    def get_scoped_object(self, queryset=None):
        return selectors.for_action(self.request.user, self.kwargs["pk"])

    def check(self):
        if self.action == "self_report":
            services.check_report(self.request.user, self.object)
        else:
            services.check_organiser(self.request.user, self.object, self.action)

    def get_initial(self):
        return {"revision": self.object.revision}

    def get_success_url_for(self, target):
        return self.back_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "ev": self.object, "multipart": self.multipart}


class SelfReportView(_ActionView):
    form_class = forms.SelfReportForm
    action = "self_report"
    multipart = True
    page_title = submit_label = EVALUATION["self_report"].label
    explanation = "提交后由组织单位发起人大代表测评；自查报告提交后不能修改。"
    success_message = "自查报告已提交，组织单位将收到提醒"

    def perform(self, form):
        return services.self_report_submit(
            actor=self.request.user, evaluation=self.object, **form.cleaned_data
        )


class SurveyStartView(_ActionView):
    form_class = forms.SurveyStartForm
    action = "start_survey"
    page_title = submit_label = EVALUATION["start_survey"].label
    explanation = "以一次性答题码方式向人大代表发放问卷：发起后在测评页面打印答题码清单或导出Excel。"
    success_message = "代表测评已发起，答题码已生成"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.evaluation_start_survey(
            actor=self.request.user, evaluation=self.object, **form.cleaned_data
        )


class MeetingView(_ActionView):
    form_class = forms.MeetingForm
    action = "record_meeting"
    multipart = True
    page_title = submit_label = EVALUATION["record_meeting"].label
    explanation = "评议会后记录会议日期、参会人员和纪要；可记录多次会议。"
    success_message = "评议会议已记录"

    def perform(self, form):
        return services.meeting_record(actor=self.request.user, evaluation=self.object, **form.cleaned_data)


class ProblemsView(_ActionView):
    form_class = forms.ProblemsForm
    action = "list_problems"
    page_title = submit_label = EVALUATION["list_problems"].label
    explanation = "每个问题进入整改台账（来源：人大测评），由被测评部门整改，组织单位验收销号。"

    def perform(self, form):
        made = services.problems_list(
            actor=self.request.user,
            evaluation=self.object,
            items=form.cleaned_data["items"],
            revision=form.cleaned_data.get("revision"),
        )
        messages.success(self.request, f"问题清单已形成：{len(made)}个问题进入整改台账")
        return made


class ResultView(_ActionView):
    form_class = forms.ResultForm
    action = "report_result"
    page_title = submit_label = EVALUATION["report_result"].label
    explanation = "按当前数据起草《履职测评情况的报告》（GB/T 9704公文，上行文），起草后在公文页面修改、送领导签发；签发后测评完成。"

    def perform(self, form):
        doc = services.result_report(actor=self.request.user, evaluation=self.object, **form.cleaned_data)
        messages.success(self.request, "结果报告已起草，请核对后送领导签发")
        return doc

    def get_success_url_for(self, target):
        return target.get_absolute_url()
