from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View

from core import clock, scoping
from core.excel import xlsx_response
from core.views import (
    ExcelImportView,
    LightLedgerView,
    PermissionRequiredMixin,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    SubmitOnceMixin,
)
from org.selectors import picker_units
from tasks import exports, imports, selectors, services
from tasks.filters import DirectiveFilterSet, TaskFilterSet
from tasks.forms import DirectiveForm, SavedFilterForm, TaskImportForm
from tasks.models import Directive, SavedFilter, Task


class TaskDetailView(SubmitOnceMixin, ScopedDetailView):  # its forms (交办) carry a token
    """任务详情: everything about one task and the actions its viewer may take, loaded by
    tasks.selectors_detail.task_detail in a constant number of queries."""

    model = Task
    permission = "tasks.view_task"
    template_name = "tasks/task_detail.html"

    def get_object(self, queryset=None):
        from tasks.selectors_detail import task_detail

        self.detail = task_detail(self.request.user, self.kwargs["pk"], clock.today())
        return self.detail.task

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["d"] = self.detail
        ctx["today"] = clock.today()
        return ctx


# --- ledger (任务台账, R-TSK-7) ------------------------------------------------------------------------


class TaskListView(LightLedgerView):
    """The ledger: filters in the URL (GET form, back button works), light counts on top, rows
    with light and reason, 20/50/100 per page. HTMX requests get only the results partial."""

    model = Task
    permission = "tasks.view_task"
    filterset_class = TaskFilterSet
    template_name = "tasks/task_list.html"
    partial_template_name = "tasks/_task_rows.html"
    count_lights = staticmethod(selectors.light_counts)
    paginate_by = 50

    def get_queryset(self):
        self.today = clock.today()
        qs = selectors.ledger_queryset(self.request.user, self.today)
        self.filterset = TaskFilterSet(self.request.GET, queryset=qs, request=self.request, today=self.today)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = self.filterset.form
        ctx["rows"] = selectors.with_light_reasons(ctx["page_obj"].object_list, self.today)
        ctx["today"] = self.today
        base = self.request.GET.copy()
        for key in ("page", "light"):
            base.pop(key, None)
        ctx["query_without_light"] = base.urlencode()
        base = self.request.GET.copy()
        for key in ("page", "per_page"):
            base.pop(key, None)
        ctx["query_without_per_page"] = base.urlencode()
        selected_unit = form.cleaned_data.get("unit")
        selected_directive = form.cleaned_data.get("directive")
        ctx["unit_choices"] = picker_units(user, "tasks.view_task", selected_unit)
        ctx["selected_unit_id"] = selected_unit.pk if selected_unit else None
        ctx["directive_choices"] = list(selectors.ledger_directive_choices(user))
        ctx["selected_directive"] = selected_directive
        ctx["selected_directive_listed"] = selected_directive in ctx["directive_choices"]
        ctx["saved_filters"] = selectors.saved_filters_of(user)
        ctx["save_form"] = SavedFilterForm(initial={"query": ctx["query_string"]})
        ctx["can_export"] = self._can("tasks.export_task")
        ctx["can_import"] = self._can("tasks.import_task")
        ctx["page_sizes"] = (20, 50, 100)
        ctx["active_filters"] = self._active_filters(form)
        return ctx

    @staticmethod
    def _active_filters(form) -> list[tuple[str, str]]:
        """(label, value in words) of each filter in use, for the printed page's heading."""
        if not form.is_valid():
            return []
        out = []
        for name, value in form.cleaned_data.items():
            if value in (None, "") or name in ("per_page", "sort"):
                continue
            field = form.fields[name]
            shown = value  # model choices (unit, directive, category) print as themselves
            if name not in ("directive", "category", "unit", "lead_unit") and hasattr(field, "choices"):
                shown = dict(field.choices).get(value, value)
            out.append((str(field.label).replace("（含下级）", ""), str(shown)))
        return out

    def _can(self, perm):
        return scoping.has_any(self.request.user, perm)


class TaskExportView(PermissionRequiredMixin, View):
    """Exactly the ledger's rows (same filters and sort, every page) as .xlsx; audited."""

    permission = "tasks.export_task"

    def get(self, request):
        today = clock.today()
        qs = selectors.ledger_queryset(
            request.user, today, perm="tasks.export_task", related=(*selectors.LEDGER_RELATED, "org_unit")
        )
        filterset = TaskFilterSet(request.GET, queryset=qs, request=request, today=today)
        query = request.GET.copy()
        query.pop("page", None)
        data, filename = exports.task_export(
            actor=request.user, queryset=filterset.qs, today=today, query=query.urlencode()
        )
        return xlsx_response(data, filename)


class SavedFilterSaveView(PermissionRequiredMixin, View):
    permission = "tasks.view_task"
    http_method_names = ["post"]

    def post(self, request):
        form = SavedFilterForm(request.POST)
        query = ""
        if form.is_valid():
            query = form.cleaned_data["query"]
            sf = services.saved_filter_save(actor=request.user, name=form.cleaned_data["name"], query=query)
            messages.success(request, f"已保存筛选“{sf.name}”")
        else:
            query = QueryDict(request.POST.get("query", "")).urlencode()
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(reverse("tasks:task_list") + (f"?{query}" if query else ""))


class SavedFilterDeleteView(PermissionRequiredMixin, View):
    permission = "tasks.view_task"
    http_method_names = ["post"]

    def post(self, request, pk):
        saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
        services.saved_filter_delete(actor=request.user, saved_filter=saved)
        messages.success(request, f"已删除筛选“{saved.name}”")
        return redirect("tasks:task_list")


class TaskImportView(ExcelImportView):
    permission = "tasks.import_task"
    form_class = TaskImportForm
    template_name = "tasks/task_import.html"
    imports = imports
    import_function = "task_import"
    noun, row_noun, list_label, category_header = "任务", "一项任务", "任务台账", "类别"
    list_url_name, template_url_name = "tasks:task_list", "tasks:task_import_template"
    success_text = "已导入{n}项任务（草稿，尚未交办）"
    success_query = "?status=draft&sort=-code"

    def categories(self):
        return selectors.ledger_category_choices()


class TaskImportTemplateView(PermissionRequiredMixin, View):
    permission = "tasks.import_task"

    def get(self, request):
        return xlsx_response(imports.template_workbook(), "任务导入模板.xlsx")


# --- directives (上级部署, R-DEC-1) --------------------------------------------------------------------


class DirectiveListView(ScopedListView):
    model = Directive
    permission = "tasks.view_directive"
    filterset_class = DirectiveFilterSet
    template_name = "tasks/directive_list.html"
    paginate_by = 20

    def get_queryset(self):
        qs = selectors.directive_queryset(self.request.user)
        self.filterset = DirectiveFilterSet(self.request.GET, queryset=qs, request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = bool(scoping.acting_units(self.request.user, "tasks.add_directive"))
        return ctx


class DirectiveCreateView(SubmitOnceMixin, ServiceFormView):
    permission = "tasks.add_directive"
    form_class = DirectiveForm
    template_name = "tasks/directive_create.html"
    success_message = "上级部署已登记"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["units"] = scoping.acting_units(self.request.user, "tasks.add_directive")
        return kwargs

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "org_unit"}
        return services.directive_create(
            actor=self.request.user, org_unit=form.cleaned_data["org_unit"], **data
        )

    def get_success_url_for(self, target):
        return reverse("tasks:directive_detail", args=[target.pk])


class DirectiveDetailView(ScopedDetailView):
    model = Directive
    permission = "tasks.view_directive"
    template_name = "tasks/directive_detail.html"
    max_tasks = 100

    def get_queryset(self):
        return Directive.objects.select_related("org_unit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = clock.today()
        qs = selectors.directive_tasks(self.request.user, self.object, today)
        ctx["tasks"] = selectors.with_light_reasons(qs[: self.max_tasks + 1], today)
        ctx["more_tasks"] = len(ctx["tasks"]) > self.max_tasks
        ctx["tasks"] = ctx["tasks"][: self.max_tasks]
        ctx["light_counts"] = selectors.light_counts(qs)
        return ctx
