"""Generic views that carry the scope check, pagination and HTMX partials.

A concrete list view declares `model`, `permission`, `filterset_class`, `template_name`;
a detail view declares `model` and `permission`; an action view declares a form and the
service to call. Out-of-scope objects answer 404 (never 403, which would confirm existence).
"""

import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from core import clock, scoping

PAGE_SIZES = (20, 50, 100)


class PermissionRequiredMixin(LoginRequiredMixin):
    """Not signed in → the login page; `permission` held on no unit at all → 403. Whether the
    object addressed is in scope (404 when not) is ScopedObjectMixin's question.

    `permission_first`: a ServiceFormView about one object looks the object up before this check,
    so a user without the permission anywhere gets that lookup's 404; set it to check first (403)."""

    permission: str = ""
    permission_first: bool = False

    def require_permission(self, request) -> None:
        if self.permission and not scoping.has_any(request.user, self.permission):
            raise PermissionDenied("您没有访问此页面的权限")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.require_permission(request)
        return super().dispatch(request, *args, **kwargs)


def list_query(request) -> str:
    """A list's filters as a query string without the page: what its export and links repeat."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class ScopedListView(PermissionRequiredMixin, ListView):
    filterset_class = None
    paginate_by = 50
    partial_template_name = None

    def base_queryset(self):
        return self.model.objects.visible_to(self.request.user, self.permission)

    def get_queryset(self):
        qs = self.base_queryset()
        if self.filterset_class:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        else:
            self.filterset = None
        return qs

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("per_page", self.paginate_by))
        except ValueError:
            size = self.paginate_by
        return size if size in PAGE_SIZES else self.paginate_by

    def paginate_queryset(self, queryset, page_size, *, count: int | None = None):
        """The page asked for (a bad page number shows the first); `count` when the view already
        knows the total, so the paginator runs no COUNT of its own."""
        paginator = Paginator(queryset, page_size)
        if count is not None:
            paginator.__dict__["count"] = count  # Paginator.count is a cached_property
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except Exception:  # noqa: BLE001 — bad page numbers show the first page
            page = paginator.page(1)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        ctx["query_string"] = list_query(self.request)
        return ctx

    def get_template_names(self):
        """HTMX requests get the results partial, except a history restore (the whole page)."""
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.partial_template_name:
            patch_vary_headers(response, ("HX-Request",))  # the same URL answers two ways
        return response


class LightLedgerView(ScopedListView):
    """A ledger with its light counts on top (任务台账, 问题台账). The filterset keeps
    `counts_queryset` (every filter but the light); one grouped query over it gives the counts
    and, with the chosen light, the total."""

    # queryset → [{light, slug, label, css, count}]: staticmethod(tasks.selectors.light_counts)
    count_lights = None

    def paginate_queryset(self, queryset, page_size, *, count: int | None = None):
        counts_qs = self.filterset.counts_queryset
        if counts_qs is None:  # invalid filters: the filterset returns no rows
            counts_qs = queryset.none()
        self.light_counts = self.count_lights(counts_qs)
        form = self.filterset.form
        chosen = form.cleaned_data.get("light") if form.is_valid() else None
        total = sum(c["count"] for c in self.light_counts if not chosen or c["slug"] == chosen)
        return super().paginate_queryset(queryset, page_size, count=total)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["light_counts"] = self.light_counts
        return ctx


class ScopedObjectMixin:
    """Fetch `self.object` through visible_to(); outside the scope it does not exist."""

    model = None
    permission = ""
    pk_url_kwarg = "pk"

    def get_scoped_object(self, queryset=None):
        qs = queryset if queryset is not None else self.model.objects.all()
        return get_object_or_404(
            qs.visible_to(self.request.user, self.permission), pk=self.kwargs[self.pk_url_kwarg]
        )


class ScopedDetailView(PermissionRequiredMixin, ScopedObjectMixin, DetailView):
    def get_object(self, queryset=None):
        return self.get_scoped_object(self.get_queryset())


class ServiceFormView(PermissionRequiredMixin, ScopedObjectMixin, FormView):
    """Bind a form, call one service, redirect. Service ValidationErrors land next to the fields.

    Subclasses implement `perform(form)` (calls the service, returns the object to go to) and
    optionally `object_permission` to load `self.object` in scope first.
    """

    success_message = ""
    object_permission = ""

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        if request.user.is_authenticated and self.model is not None and self.pk_url_kwarg in kwargs:
            self.permission = self.object_permission or self.permission
            if self.permission_first:
                self.require_permission(request)
            self.object = self.get_scoped_object()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        return ctx

    def form_valid(self, form):
        try:
            target = self.perform(form)
        except ValidationError as exc:
            _attach_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您没有权限执行此操作")
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url_for(target))

    def get_success_url_for(self, target):
        return target.get_absolute_url()


class CheckedFormView(ServiceFormView):
    """A form for one action on one object, whose rule (the app's `rules.py`, the same check the
    service makes) is asked before the form is shown: the wrong person gets 403; the wrong state
    sends a GET back to the object with the reason, and on POST the service says why next to the
    form. Subclasses implement `check()` and may set the texts below."""

    page_title = ""
    submit_label = "提交"
    explanation = ""

    def check(self) -> None:
        """Raise PermissionDenied or ValidationError when the action is not allowed now."""

    def back_url(self):
        return self.object.get_absolute_url()

    def get(self, request, *args, **kwargs):
        try:
            self.check()
        except ValidationError as exc:
            messages.error(request, _message(exc))
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            self.check()
        except ValidationError:
            pass  # the service says why, next to the form
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            page_title=self.page_title,
            submit_label=self.submit_label,
            explanation=self.explanation,
            back_url=self.back_url(),
        )
        return ctx


class ServiceActionView(PermissionRequiredMixin, ScopedObjectMixin, View):
    """A POST-only button (sign, approve …) that calls one service and goes back."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_scoped_object()
        try:
            self.perform()
            if getattr(self, "success_message", ""):
                messages.success(request, self.success_message)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        return redirect(self.object.get_absolute_url())


def _message(exc) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您没有权限执行此操作"


def _attach_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- double submit: a one-time token in every form a SubmitOnceMixin view renders ----------------

ONCE_FIELD = "_once"
ONCE_MESSAGE = "该表单已提交，未重复创建"
_ONCE_TOKEN = re.compile(r"[0-9a-f]{32}")
_CSRF_INPUT = re.compile(rb'<input[^>]*name="csrfmiddlewaretoken"[^>]*>')


def _with_once_tokens(content: bytes) -> bytes:
    """Each POST form (found by its CSRF input) gets its own hidden one-time token."""

    def add(match):
        token = uuid.uuid4().hex
        return match.group(0) + f'<input type="hidden" name="{ONCE_FIELD}" value="{token}">'.encode()

    return _CSRF_INPUT.sub(add, content)


def _add_once_tokens(response):
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        if hasattr(response, "add_post_render_callback") and not response.is_rendered:

            def callback(rendered):
                rendered.content = _with_once_tokens(rendered.content)

            response.add_post_render_callback(callback)
        else:
            response.content = _with_once_tokens(response.content)
    return response


def _success_url(response) -> str:
    if response.get("HX-Redirect"):
        return response["HX-Redirect"]
    if 300 <= response.status_code < 400:
        return response.get("Location", "")
    return ""


class SubmitOnceMixin:
    """Safe against a double submit (issue 8): every POST form the view renders carries a one-time
    token; the POST that succeeds (answers with a redirect) uses it up in the same transaction as
    its writes (core.models.FormSubmission, a unique key: a second POST with the token waits for the
    first, on SQLite and PostgreSQL, in any process, then finds it), and the same POST again
    changes nothing: it goes where the first one led, with a message. A POST without a token is
    processed as always (scripts, tests); a refused one (the form again) leaves its token unused.
    A view whose success is a page, not a redirect, sets `self.once_result_url`.
    Put it first in the bases, so it wraps the permission checks too."""

    def dispatch(self, request, *args, **kwargs):
        token = request.POST.get(ONCE_FIELD, "") if request.method == "POST" else ""
        if token and _ONCE_TOKEN.fullmatch(token) and request.user.is_authenticated:
            return self._dispatch_once(request, token, *args, **kwargs)
        return _add_once_tokens(super().dispatch(request, *args, **kwargs))

    def _dispatch_once(self, request, token, *args, **kwargs):
        from core.models import FormSubmission

        with transaction.atomic():
            try:
                with transaction.atomic():
                    used = FormSubmission.objects.create(
                        token=token, user_id=request.user.pk, path=request.path[:300], created_at=clock.now()
                    )
            except IntegrityError:
                first = FormSubmission.objects.filter(token=token, user_id=request.user.pk).first()
                messages.info(request, ONCE_MESSAGE)
                return redirect((first.result_url if first else "") or request.path)
            response = super().dispatch(request, *args, **kwargs)
            # a success shown in place (a new account's one-time password) names where a resend goes
            url = _success_url(response) or getattr(self, "once_result_url", "")
            if url:
                used.result_url = url[:500]
                used.save(update_fields=["result_url"])
            else:
                used.delete()  # refused: the form again, the token unused
        return _add_once_tokens(response)


class ExcelImportView(SubmitOnceMixin, ServiceFormView):
    """One Excel import page for a ledger (templates/partials/import_page.html): the acting unit
    and the file, the template's columns with their hints, all-or-nothing with row messages.

    Subclasses set `permission`, `form_class` (an ImportForm with `unit_field`), `template_name`,
    `imports` (the app's imports module: COLUMNS, template_workbook and the import function named
    by `import_function`), the words (`noun`, `row_noun`, `list_label`, `category_header`), the
    url names (`list_url_name`, `template_url_name`) and `categories()`."""

    imports = None
    import_function = ""
    noun = row_noun = list_label = category_header = ""
    list_url_name = template_url_name = ""
    success_query = ""
    success_text = "已导入{n}{noun}"

    def categories(self):
        return []

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["units"] = scoping.acting_units(self.request.user, self.permission)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            columns=self.imports.COLUMNS,
            categories=self.categories(),
            noun=self.noun,
            row_noun=self.row_noun,
            list_url=reverse(self.list_url_name),
            list_label=self.list_label,
            template_url=reverse(self.template_url_name),
            unit_field=ctx["form"][ctx["form"].unit_field],
            category_header=self.category_header,
        )
        return ctx

    def perform(self, form):
        run = getattr(self.imports, self.import_function)
        unit_field = form.unit_field
        created = run(
            actor=self.request.user,
            upload=form.cleaned_data["file"],
            **{unit_field: form.cleaned_data[unit_field]},
        )
        messages.success(self.request, self.success_text.format(n=len(created), noun=self.noun))
        return created

    def get_success_url_for(self, target):
        return reverse(self.list_url_name) + self.success_query


def csrf_failure(request, reason: str = ""):
    """The page of a refused security check (CSRF_FAILURE_VIEW): the staff's page (403_csrf.html,
    with the way back to the login) or, for a namespace named in DUBAN_CSRF_FAILURE_TEMPLATES (the
    public answering pages), that namespace's own page, which says nothing of the staff side."""
    match = getattr(request, "resolver_match", None)
    templates = getattr(settings, "DUBAN_CSRF_FAILURE_TEMPLATES", {})
    template = templates.get(getattr(match, "namespace", ""), "403_csrf.html")
    return render(request, template, status=403)
