from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from core import clock
from core.views import PermissionRequiredMixin, ServiceActionView, SubmitOnceMixin, _attach_errors
from files import views as files_views
from reporting import selectors, services
from reporting.forms import ReportForm
from reporting.models import ProgressReport


class AssignmentReporterMixin(LoginRequiredMixin):
    """Load the assignment the user can see (else 404); only a reporter may go on (else 403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = selectors.assignment_for(request.user, kwargs["assignment_pk"])
        if self.assignment is None:
            raise Http404("任务不存在或不在您的权限范围内")
        if not services.can_report(request.user, self.assignment):
            raise PermissionDenied("您不是该任务承办单位的联络员、负责人或专班成员，不能填报")
        return super().dispatch(request, *args, **kwargs)


class ReportCreateView(SubmitOnceMixin, AssignmentReporterMixin, FormView):
    template_name = "reporting/report_form.html"
    form_class = ReportForm

    def setup_context(self):
        if hasattr(self, "summary"):
            return
        today = clock.today()
        self.summary = selectors.report_periods(self.assignment, today)
        self.period = selectors.next_report_period(self.assignment, today, self.summary)
        self.last = self.assignment.reports.order_by("-period_end", "-submitted_at").first()
        previous = self.assignment.reports.order_by("-submitted_at", "-id").first()
        self.last_progress = previous.progress if previous else None
        self.indicators = list(self.assignment.task.indicators.all())
        self.siblings = selectors.sibling_assignments(self.request.user, self.assignment)

    def get_form_kwargs(self):
        self.setup_context()
        kwargs = super().get_form_kwargs()
        kwargs["indicators"] = self.indicators
        kwargs["siblings"] = self.siblings
        kwargs["last_progress"] = self.last_progress
        return kwargs

    def get_initial(self):
        self.setup_context()
        if self.last:
            return {
                "progress": self.last.progress,
                "work_done": self.last.work_done,
                "difficulties": self.last.difficulties,
                "next_steps": self.last.next_steps,
            }
        return {"progress": self.assignment.progress}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            assignment=self.assignment,
            task=self.assignment.task,
            period_start=self.period[0],
            period_end=self.period[1],
            summary=self.summary,
            last=self.last,
            required_count=ctx["form"].required_count,
        )
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            reports = services.report_submit_shared(
                actor=self.request.user,
                assignment=self.assignment,
                also=list(data.get("also") or []),
                files=data["files"],
                progress=data["progress"],
                work_done=data["work_done"],
                difficulties=data["difficulties"],
                next_steps=data["next_steps"],
                drop_reason=data.get("drop_reason") or "",
                indicator_values=form.indicator_values(),
                period_start=self.period[0],
                period_end=self.period[1],
            )
        except ValidationError as exc:
            _attach_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您没有权限执行此操作")
            return self.form_invalid(form)
        extra = f"，并同时用于{len(reports) - 1}项专班任务" if len(reports) > 1 else ""
        messages.success(self.request, f"进展报告已提交{extra}")
        return redirect(reports[0].get_absolute_url())


class ReportApproveView(ServiceActionView):
    model = ProgressReport
    permission = "reporting.approve_progressreport"
    success_message = "报告已审核"

    def perform(self):
        services.report_approve(actor=self.request.user, report=self.object)


class AttachmentUploadView(SubmitOnceMixin, AssignmentReporterMixin, files_views.AttachmentUploadView):
    """An assignment's files (办结佐证 or 报告附件), given by one of its reporters."""

    def get_initial(self):
        purpose = self.request.GET.get("purpose")
        return {"purpose": purpose if purpose in ("evidence", "report") else "evidence"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        task = self.assignment.task
        ctx.update(
            assignment=self.assignment,
            task=task,
            owner_url=task.get_absolute_url(),
            owner_label=task.code,
            owner_title=f"{task.title} · {self.assignment.unit.display_name}",
        )
        return ctx

    def existing(self):
        return self.assignment.attachments.select_related("uploaded_by").order_by("-uploaded_at")[:50]

    def store(self, uploads, purpose: str) -> list:
        return services.attachments_store_many(
            actor=self.request.user, uploads=uploads, assignment=self.assignment, purpose=purpose
        )

    def done_url(self) -> str:
        return self.assignment.get_absolute_url()


class LateListView(PermissionRequiredMixin, TemplateView):
    """迟报缺报 (R-RPT-4): units in scope with missing report periods, and the worst assignments."""

    permission = "tasks.view_assignment"
    template_name = "reporting/late_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        page = Paginator(selectors.late_units(self.request.user, today), 50).get_page(
            self.request.GET.get("page")
        )
        ctx.update(
            today=today,
            page_obj=page,
            units=list(page.object_list),
            assignments=list(selectors.late_assignments(self.request.user, today)[:50]),
        )
        return ctx


class BurdenView(PermissionRequiredMixin, TemplateView):
    """基层减负 (R-RPT-3b): how many reports and fields each unit is asked for per week."""

    permission = "tasks.view_assignment"
    template_name = "reporting/burden.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        page = Paginator(selectors.burden_rows(self.request.user, today), 50).get_page(
            self.request.GET.get("page")
        )
        required = len(selectors.REQUIRED_REPORT_FIELDS)
        rows = []
        for row in page.object_list:
            per_week = (row["reports_x100"] or 0) / 100
            rows.append(
                {
                    **row,
                    "reports_per_week": per_week,
                    "fields_per_week": per_week * required,
                    "duplicates": row["with_directive"] - row["directives"],
                }
            )
        ctx.update(today=today, page_obj=page, rows=rows, required_fields=required)
        return ctx
