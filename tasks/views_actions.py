"""Task detail actions (R-TSK-1..6, R-DEC-4, R-TSK-1b): create, edit, 前置审议, assign,
decompose, 签收/退回, 延期, 申请办结/审核, milestones, indicators, 专班, holiday overrides.

Each view is thin: it loads the object through the scope (outside → 404), asks tasks.rules
whether the action is possible before showing a form (no permission → 403; wrong state →
back to the task with the reason), binds a form and calls one service. Service errors land
next to the fields with what the user typed kept.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views import View
from django.views.generic import FormView, TemplateView

from core import clock, scoping
from core import views as core_views
from core.views import PermissionRequiredMixin, ServiceActionView, _attach_errors, _message
from files.models import EVIDENCE
from org.models import Unit
from tasks import forms as task_forms
from tasks import rules, services, workdays
from tasks.choices import ExtensionStatus, TaskStatus
from tasks.models import Assignment, ExtensionRequest, Milestone, PartyReview, Task, WorkdayOverride
from tasks.selectors import nameable_users

WEEKDAYS = "一二三四五六日"


def _detail_url(task_id, anchor=""):
    return reverse("tasks:task_detail", args=[task_id]) + (f"#{anchor}" if anchor else "")


class CheckedFormView(core_views.CheckedFormView):
    """core.views.CheckedFormView on a task or one of its parts, asking tasks.rules."""

    template_name = "tasks/action_form.html"

    def task(self) -> Task:
        return self.object if isinstance(self.object, Task) else self.object.task

    def back_url(self):
        return self.task().get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["task"] = self.task()
        return ctx


# --- task: create, edit ---------------------------------------------------------------------------


class TaskCreateView(core_views.SubmitOnceMixin, PermissionRequiredMixin, FormView):
    permission = "tasks.add_task"
    template_name = "tasks/task_form.html"
    form_class = task_forms.TaskForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            user=self.request.user, org_units=scoping.acting_units(self.request.user, "tasks.add_task")
        )
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("start_date", clock.today())
        return kwargs

    def form_valid(self, form):
        data = form.service_data()
        data.pop("weight", None)
        try:
            task = services.task_create(
                actor=self.request.user, org_unit=form.cleaned_data["org_unit"], **data
            )
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"任务{task.code}已创建（草稿），请在详情页交办")
        return redirect(task.get_absolute_url())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["computed_due"] = _computed_due(ctx["form"])
        return ctx


class TaskUpdateView(CheckedFormView):
    model = Task
    permission = "tasks.view_task"
    template_name = "tasks/task_form.html"
    form_class = task_forms.TaskForm

    def check(self):
        rules.check_change_task(self.request.user, self.object)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.object)
        return kwargs

    def get_form(self, form_class=None):
        form = task_forms.TaskForm(**self.get_form_kwargs())
        form.fields["version"].required = True
        form.fields["version"].error_messages["required"] = "该记录已被他人修改，请刷新页面后重试"
        return form

    def perform(self, form):
        return services.task_update(
            actor=self.request.user,
            task=self.object,
            data=form.service_data(),
            version=form.cleaned_data["version"],
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["computed_due"] = _computed_due(ctx["form"])
        return ctx

    success_message = "任务已保存"


def _form_error(form, exc):
    if isinstance(exc, ValidationError):
        _attach_errors(form, exc)
    else:
        form.add_error(None, str(exc) or "您没有权限执行此操作")


def _computed_due(form):
    """The deadline a 工作日 count gives, shown under the field (also after an error)."""
    data = form.data if form.is_bound else form.initial
    return compute_due_text(data.get("start_date"), data.get("due_in_workdays"))


def compute_due_text(start, n) -> str:
    try:
        start = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
        n = int(n)
    except (TypeError, ValueError):
        return ""
    if not 1 <= n <= 366:
        return ""
    due = workdays.add_workdays(start, n)
    return f"完成时限：{due:%Y-%m-%d}（星期{WEEKDAYS[due.weekday()]}），自{start:%Y-%m-%d}起第{n}个工作日"


class WorkdayComputeView(PermissionRequiredMixin, View):
    """HTMX: the date N 工作日 after a start date, for the task form."""

    permission = "tasks.view_task"

    def get(self, request):
        text = compute_due_text(request.GET.get("start_date"), request.GET.get("due_in_workdays"))
        return HttpResponse(format_html('<span class="text-success">{}</span>', text) if text else "")


# --- 前置审议, assign, decompose -----------------------------------------------------------------------


class TaskReviewView(CheckedFormView):
    model = Task
    permission = "tasks.view_task"
    form_class = task_forms.PartyReviewForm
    template_name = "tasks/task_review.html"
    success_message = "前置审议记录已保存"
    page_title = "登记党组会前置审议"
    submit_label = "保存审议记录"

    def check(self):
        rules.check_review(self.request.user, self.object, services.task_chain(self.object))

    def get_initial(self):
        review = getattr(self.object, "party_review", None)  # missing → AttributeError subclass → None
        if review is None:
            return {"meeting_kind": "party_group"}
        return {
            "meeting_kind": review.meeting_kind,
            "meeting_date": review.meeting_date,
            "meeting_title": review.meeting_title,
            "conclusion": review.conclusion,
            "notes": review.notes,
        }

    def perform(self, form):
        services.task_review_record(actor=self.request.user, task=self.object, **form.cleaned_data)
        return self.object


class TaskAssignView(core_views.SubmitOnceMixin, CheckedFormView):
    """交办: the task page's button posts with no choice (to the lead and co-operating units not yet
    holding it); the form (GET) picks units anywhere in the user's scope, at any level (越级交办)."""

    model = Task
    permission = "tasks.view_task"
    form_class = task_forms.TaskAssignForm
    template_name = "tasks/task_assign.html"
    page_title = "交办"
    submit_label = "确认交办"
    explanation = (
        "可直接交办到任意下级单位（越级交办，如同时交办两个县），或交办到市级由其分解。"
        "牵头单位之外选择的单位作为配合单位，各自签收、报告。"
    )

    def check(self):
        chain = services.task_chain(self.object)
        rules.check_assign_units(self.request.user, self.object, chain, _reviews(chain))

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        task = self.object
        if task.parent_id:
            units = Unit.objects.subtree_of(task.org_unit)
        else:
            units = Unit.objects.filter(scoping.units_q(self.request.user, "tasks.assign_task"))
        kwargs["units"] = units.filter(is_active=True).order_by("path")
        lead = task.assignments.filter(unit=task.lead_unit).exclude(status=TaskStatus.RETURNED)
        kwargs["lead_fixed"] = lead.exists()
        kwargs.setdefault("initial", {})["lead_unit"] = task.lead_unit_id
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        task = self.object
        ctx["assigned"] = list(task.assignments.select_related("unit").exclude(status=TaskStatus.RETURNED))
        ctx["pending_units"] = services.pending_assignment_units(task, ctx["assigned"])
        return ctx

    def perform(self, form):
        created = services.task_assign(
            actor=self.request.user,
            task=self.object,
            lead_unit=form.cleaned_data.get("lead_unit"),
            units=form.cleaned_data.get("units") or (),
        )
        names = "、".join(a.unit.display_name for a in created)
        messages.success(self.request, f"已交办{names}，承办单位将收到待签收提醒")
        return self.object


def _reviews(chain: list) -> dict:
    return {r.task_id: r for r in PartyReview.objects.filter(task__in=chain)}


class TaskDecomposeView(core_views.SubmitOnceMixin, PermissionRequiredMixin, TemplateView):
    permission = "tasks.view_task"
    template_name = "tasks/task_decompose.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.object = get_object_or_404(
            Task.objects.visible_to(request.user, "tasks.view_task").select_related("org_unit"),
            pk=kwargs["pk"],
        )
        assignments = list(self.object.assignments.select_related("unit"))
        self.units = rules.decompose_units(request.user, self.object, assignments)
        if not self.units:
            raise PermissionDenied(rules.decompose_refusal(request.user, self.object, assignments))
        return super().dispatch(request, *args, **kwargs)

    def _unit(self, raw):
        return next((u for u in self.units if str(u.pk) == str(raw)), self.units[0])

    def _row_units(self, unit):
        return Unit.objects.subtree_of(unit).filter(is_active=True).order_by("path")

    def get(self, request, *args, **kwargs):
        unit = self._unit(request.GET.get("org_unit"))
        try:
            rows = max(1, min(30, int(request.GET.get("rows", 3))))
        except ValueError:
            rows = 3
        head = task_forms.DecomposeForm(units=self.units, initial={"org_unit": unit.pk, "assign": True})
        formset = task_forms.DecomposeFormSet(
            initial=[{"due_date": self.object.due_date, "weight": 1}] * rows,
            form_kwargs={"units": self._row_units(unit)},
            prefix="rows",
        )
        return self.render_to_response(
            self.get_context_data(head=head, formset=formset, unit=unit, rows=rows)
        )

    def post(self, request, *args, **kwargs):
        unit = self._unit(request.POST.get("org_unit"))
        head = task_forms.DecomposeForm(request.POST, units=self.units)
        formset = task_forms.DecomposeFormSet(
            request.POST, form_kwargs={"units": self._row_units(unit)}, prefix="rows"
        )
        errors = []
        if head.is_valid() and formset.is_valid():
            items = [
                {k: f.cleaned_data.get(k) for k in ("title", "lead_unit", "due_date", "weight")}
                for f in formset.forms
                if f.cleaned_data.get("filled")
            ]
            try:
                children = services.task_decompose(
                    actor=request.user,
                    parent=self.object,
                    org_unit=head.cleaned_data["org_unit"],
                    items=items,
                    assign=head.cleaned_data["assign"],
                )
            except (ValidationError, PermissionDenied) as exc:
                errors = [_message(exc)]
            else:
                verb = "分解并交办" if head.cleaned_data["assign"] else "分解（草稿）"
                messages.success(request, f"已{verb}{len(children)}项子任务")
                return redirect(_detail_url(self.object.pk, "subtasks"))
        ctx = self.get_context_data(
            head=head, formset=formset, unit=unit, errors=errors, rows=len(formset.forms)
        )
        return self.render_to_response(ctx)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["task"] = self.object
        ctx["gate_refusal"] = services.gate_refusal(self.object)
        chain = services.task_chain(self.object)
        ctx["can_assign_units"] = rules.allowed(
            rules.check_assign_units, self.request.user, self.object, chain, _reviews(chain)
        )
        return ctx


# --- assignment lifecycle ---------------------------------------------------------------------------


class AssignmentSignView(ServiceActionView):
    model = Assignment
    permission = "tasks.view_assignment"
    success_message = "已签收"

    def perform(self):
        services.assignment_sign(actor=self.request.user, assignment=self.object)


class AssignmentFormView(CheckedFormView):
    model = Assignment
    permission = "tasks.view_assignment"

    def get_scoped_object(self, queryset=None):
        return get_object_or_404(
            Assignment.objects.visible_to(self.request.user, "tasks.view_assignment").select_related(
                "task", "unit", "org_unit"
            ),
            pk=self.kwargs["pk"],
        )

    def back_url(self):
        return _detail_url(self.object.task_id, f"assignment-{self.object.pk}")

    def get_success_url_for(self, target):
        return self.back_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["assignment"] = self.object
        return ctx


class AssignmentReturnView(AssignmentFormView):
    page_title = "退回任务"
    submit_label = "确认退回"
    explanation = "未签收的任务可以退回交办单位（如交办单位有误、不属本单位职责），须写明理由。"
    success_message = "已退回交办单位"

    def get_form(self, form_class=None):
        return task_forms.ReasonForm(**self.get_form_kwargs(), label="退回理由")

    def check(self):
        rules.check_return(self.request.user, self.object)

    def perform(self, form):
        return services.assignment_return(
            actor=self.request.user, assignment=self.object, reason=form.cleaned_data["reason"]
        )


class ExtensionRequestView(core_views.SubmitOnceMixin, AssignmentFormView):
    form_class = task_forms.ExtensionRequestForm
    page_title = "申请延期"
    submit_label = "提交延期申请"
    explanation = "延期申请由交办单位审批；审批同意前，原完成时限不变。"
    success_message = "延期申请已提交，等待交办单位审批"

    def check(self):
        pending = self.object.extensions.filter(status=ExtensionStatus.PENDING).exists()
        rules.check_request_extension(self.request.user, self.object, pending)

    def perform(self, form):
        services.extension_request(actor=self.request.user, assignment=self.object, **form.cleaned_data)
        return self.object


class CompletionRequestView(AssignmentFormView):
    form_class = task_forms.CompletionRequestForm
    template_name = "tasks/assignment_completion.html"
    page_title = "申请办结"
    submit_label = "提交办结申请"
    success_message = "办结申请已提交，等待交办单位审核"

    def check(self):
        rules.check_request_completion(self.request.user, self.object, True)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["reusable"] = self.object.attachments.exclude(EVIDENCE).order_by("-uploaded_at", "-id")
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_completion_facts(self.object))
        ctx["reusable"] = "reuse" in ctx["form"].fields
        return ctx

    def perform(self, form):
        return services.assignment_request_completion(
            actor=self.request.user,
            assignment=self.object,
            note=form.cleaned_data["note"],
            reuse=form.cleaned_data.get("reuse") or (),
        )


def _completion_facts(assignment) -> dict:
    """What the 申请办结 and 审核办结 pages show: progress and the evidence (the last report with its
    files comes from reporting: the panels of "tasks.assignment_completion")."""
    evidence = list(assignment.attachments.filter(EVIDENCE).select_related("uploaded_by"))
    return {
        "assignment": assignment,
        "progress": assignment.progress,
        "low_progress": assignment.progress < 100,
        "evidence": evidence,
    }


def _decision(request) -> bool:
    """Which button was pressed: approve or send back; anything else is refused (nothing changes)."""
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        raise ValidationError("请点击“通过”或“退回/不同意”按钮提交")
    return decision == "approve"


class AssignmentVerifyView(AssignmentFormView):
    template_name = "tasks/assignment_verify.html"
    page_title = "审核办结"
    explanation = "由交办单位审核：佐证充分的予以办结（销号）；不充分的退回继续办理，须写明理由。"

    def get_form(self, form_class=None):
        return task_forms.DecisionForm(**self.get_form_kwargs(), note_label="审核意见")

    def check(self):
        rules.check_verify(self.request.user, self.object)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_completion_facts(self.object))
        return ctx

    def perform(self, form):
        approve = _decision(self.request)
        services.assignment_verify(
            actor=self.request.user, assignment=self.object, approve=approve, note=form.cleaned_data["note"]
        )
        messages.success(self.request, "已审核办结" if approve else "已退回继续办理")
        return self.object


class ExtensionDecideView(CheckedFormView):
    model = ExtensionRequest
    permission = "tasks.view_assignment"
    template_name = "tasks/extension_decide.html"
    page_title = "审批延期"

    def get_scoped_object(self, queryset=None):
        visible = Assignment.objects.visible_to(self.request.user, "tasks.view_assignment")
        return get_object_or_404(
            ExtensionRequest.objects.filter(assignment__in=visible).select_related(
                "assignment__task", "assignment__unit", "assignment__org_unit", "requested_by"
            ),
            pk=self.kwargs["pk"],
        )

    def task(self):
        return self.object.assignment.task

    def back_url(self):
        return _detail_url(self.object.assignment.task_id, f"assignment-{self.object.assignment_id}")

    def get_success_url_for(self, target):
        return self.back_url()

    def get_form(self, form_class=None):
        return task_forms.DecisionForm(**self.get_form_kwargs(), note_label="审批意见")

    def check(self):
        rules.check_decide_extension(self.request.user, self.object, self.object.assignment)

    def perform(self, form):
        approve = _decision(self.request)
        services.extension_decide(
            actor=self.request.user, extension=self.object, approve=approve, note=form.cleaned_data["note"]
        )
        messages.success(self.request, "已同意延期" if approve else "已不同意延期")
        return self.object


# --- milestones, indicators, 专班 -------------------------------------------------------------------------


class TaskChangeFormView(CheckedFormView):
    model = Task
    permission = "tasks.view_task"

    def check(self):
        rules.check_change_task(self.request.user, self.object)


class MilestoneCreateView(core_views.SubmitOnceMixin, TaskChangeFormView):
    form_class = task_forms.MilestoneForm
    page_title = "新增时间节点"
    submit_label = "保存节点"
    success_message = "时间节点已添加"

    @property
    def explanation(self):
        return (
            f"节点时限不能晚于任务完成时限（{self.object.due_date:%Y-%m-%d}）。节点由牵头单位上传佐证后完成。"
        )

    def perform(self, form):
        services.milestone_create(actor=self.request.user, task=self.object, **form.cleaned_data)
        return self.object


class TaskEmergencyView(TaskChangeFormView):
    form_class = task_forms.EmergencyForm
    page_title = "应急日报"
    submit_label = "启用应急日报"
    success_message = "已启用应急日报，承办单位将收到每日报告提醒"

    @property
    def explanation(self):
        return (
            "应急期间（如突发公共卫生事件响应期），本任务及其全部子任务的承办单位每日报告一次进展，"
            "当日报告当日计；期间结束后恢复原报告频次（"
            f"{self.object.get_cadence_display()}）。原频次中截止日落在应急期间内的报告期由每日报告代替。"
        )

    def get_initial(self):
        t = self.object
        if t.emergency_from and t.emergency_until >= clock.today():
            return {"start": t.emergency_from, "end": t.emergency_until, "reason": t.emergency_reason}
        return {"start": clock.today()}

    def perform(self, form):
        services.task_set_emergency(actor=self.request.user, task=self.object, **form.cleaned_data)
        return self.object


class TaskEmergencyEndView(ServiceActionView):
    model = Task
    permission = "tasks.view_task"
    success_message = "应急日报已结束，今日起恢复原报告频次"

    def perform(self):
        services.task_end_emergency(actor=self.request.user, task=self.object)


class IndicatorCreateView(core_views.SubmitOnceMixin, TaskChangeFormView):
    form_class = task_forms.IndicatorForm
    page_title = "新增指标"
    submit_label = "保存指标"
    explanation = "如“建档率 ≥ 94%”：当前值随承办单位的进展报告更新。"
    success_message = "指标已添加"

    def perform(self, form):
        services.indicator_create(actor=self.request.user, task=self.object, **form.cleaned_data)
        return self.object


class TaskForceView(TaskChangeFormView):
    page_title = "专班成员"
    submit_label = "保存专班"
    explanation = "专班成员可来自多个单位，都能查看本任务并填报进展。"
    success_message = "专班已更新"

    def get_form(self, form_class=None):
        t = self.object
        units = [t.org_unit, t.lead_unit, *t.co_units.all(), *(a.unit for a in t.assignments.all())]
        return task_forms.TaskForceForm(**self.get_form_kwargs(), users=nameable_users(units))

    def get_initial(self):
        members = list(self.object.taskforce.select_related("user"))
        leader = [m.user for m in members if m.is_leader]
        return {"members": [m.user for m in members], "leader": leader}

    def perform(self, form):
        services.taskforce_set(
            actor=self.request.user,
            task=self.object,
            members=form.cleaned_data["members"],
            leader=form.cleaned_data["leader"],
        )
        return self.object


class MilestoneCompleteView(CheckedFormView):
    model = Milestone
    permission = "tasks.view_task"
    form_class = task_forms.MilestoneCompleteForm
    page_title = "完成时间节点"
    submit_label = "确认完成"
    explanation = "完成时间节点须上传佐证材料。"
    success_message = "时间节点已完成"

    def get_scoped_object(self, queryset=None):
        visible = Task.objects.visible_to(self.request.user, "tasks.view_task")
        return get_object_or_404(
            Milestone.objects.filter(task__in=visible).select_related("task"), pk=self.kwargs["pk"]
        )

    def back_url(self):
        return _detail_url(self.object.task_id, "milestones")

    def get_success_url_for(self, target):
        return self.back_url()

    def check(self):
        task = self.object.task
        lead = task.assignments.select_related("unit").filter(unit_id=task.lead_unit_id).first()
        rules.check_milestone_complete(self.request.user, self.object, lead)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["milestone"] = self.object
        ctx["multipart"] = True
        return ctx

    def perform(self, form):
        services.milestone_complete(
            actor=self.request.user,
            milestone=self.object,
            note=form.cleaned_data["note"],
            files=form.cleaned_data["files"],
        )
        return self.object.task


# --- holiday overrides (R-TSK-1b) --------------------------------------------------------------------


class WorkdayListView(PermissionRequiredMixin, FormView):
    permission = "tasks.change_workdayoverride"
    template_name = "tasks/workday_list.html"
    form_class = task_forms.WorkdayOverrideForm

    def form_valid(self, form):
        try:
            services.workday_override_set(actor=self.request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _form_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存 {form.cleaned_data['date']:%Y-%m-%d} 的调整")
        return redirect("tasks:workday_list")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        this_year = clock.today().year
        years = range(this_year - 2, this_year + 4)
        overrides = list(WorkdayOverride.objects.order_by("-date"))
        counts = {}
        for o in overrides:
            counts[o.date.year] = counts.get(o.date.year, 0) + 1
        ctx["years"] = [
            {"year": y, "covered": workdays.library_covers(y), "overrides": counts.get(y, 0)} for y in years
        ]
        ctx["overrides"] = overrides
        return ctx


class WorkdayDeleteView(PermissionRequiredMixin, View):
    permission = "tasks.change_workdayoverride"
    http_method_names = ["post"]

    def post(self, request, pk):
        override = get_object_or_404(WorkdayOverride, pk=pk)
        try:
            services.workday_override_delete(actor=request.user, override=override)
            messages.success(request, f"已删除 {override.date:%Y-%m-%d} 的调整")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        return redirect("tasks:workday_list")
