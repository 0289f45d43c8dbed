"""Pages for sign-in, units, accounts, roles and the security policy (R-ORG-1..4, R-SEC-1..2).

Thin views: bind a form, call one service in org.services, redirect or render. Every object is
fetched through `visible_to()`: outside the user's scope it does not exist (404).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView

from core import clock, excel, ratelimit, scoping
from core.middleware import client_ip
from core.views import (
    PermissionRequiredMixin,
    ScopedDetailView,
    ScopedListView,
    ServiceFormView,
    SubmitOnceMixin,
    _message,
)
from org import imports, services
from org.choices import UnitKind
from org.forms import (
    ImportForm,
    LoginForm,
    PasswordChangeForm,
    PolicyForm,
    RoleGrantForm,
    UnitCreateForm,
    UnitMoveForm,
    UnitUpdateForm,
    UserCreateForm,
    UserUpdateForm,
)
from org.models import RoleAssignment, SecurityPolicy, Unit, UnitMove, User

LOGIN_RATE_PER_MINUTE = getattr(settings, "DUBAN_LOGIN_RATE_PER_MINUTE", 20)


# --- sign-in (R-SEC-1) -----------------------------------------------------------------------


def _rate_limited(request) -> bool:
    """A fixed-window limit on login POSTs per client IP (R-SEC-6, core.ratelimit)."""
    return ratelimit.hit("login", client_ip(request), limit=LOGIN_RATE_PER_MINUTE, window=60)


class LoginView(View):
    template_name = "org/login.html"

    def get(self, request):
        if request.user.is_authenticated and not request.GET.get("expired"):
            return redirect(settings.LOGIN_REDIRECT_URL)
        return self.render(request, LoginForm())

    def post(self, request):
        form = LoginForm(request.POST)
        if _rate_limited(request):
            form.is_valid()
            form.add_error(None, "登录尝试过于频繁，请1分钟后再试")
            return self.render(request, form, status=429)
        if form.is_valid():
            try:
                user = services.login_check(
                    username=form.cleaned_data["username"], password=form.cleaned_data["password"]
                )
            except services.LoginError as exc:
                form.add_error(None, str(exc))
            else:
                auth_login(request, user)  # a new session id (session fixation)
                request.session["last_activity"] = time.time()
                if user.must_change_password or services.password_expired(user):
                    request.session["must_change_password"] = True
                    return redirect("org:password_change")
                return redirect(self.next_url(request))
        return self.render(request, form)

    def next_url(self, request) -> str:
        nxt = request.POST.get("next") or request.GET.get("next") or ""
        if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
            return nxt
        return reverse(settings.LOGIN_REDIRECT_URL)

    def render(self, request, form, status=200):
        ctx = {
            "form": form,
            "expired": request.GET.get("expired") == "1",
            "next": request.POST.get("next") or request.GET.get("next") or "",
            "policy_threshold": SecurityPolicy.current().lockout_threshold,
        }
        return render(request, self.template_name, ctx, status=status)


class LogoutView(View):
    """POST only; the server-side session is deleted, so a replayed cookie no longer works."""

    http_method_names = ["post"]

    def post(self, request):
        if request.user.is_authenticated:
            services.session_logout(user=request.user)
        auth_logout(request)
        messages.info(request, "您已安全退出")
        return redirect("org:login")


class PasswordChangeView(PermissionRequiredMixin, FormView):
    form_class = PasswordChangeForm
    template_name = "org/password_change.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["forced"] = bool(self.request.session.get("must_change_password"))
        ctx["expired_password"] = services.password_expired(self.request.user)
        return ctx

    def form_valid(self, form):
        try:
            user = services.password_change(
                user=self.request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        self.request.session.pop("must_change_password", None)
        messages.success(self.request, "密码已修改")
        return redirect(settings.LOGIN_REDIRECT_URL)


# --- units (R-ORG-1) -------------------------------------------------------------------------


class UnitListView(ScopedListView):
    model = Unit
    permission = "org.view_unit"
    template_name = "org/unit_list.html"

    def base_queryset(self):
        qs = Unit.objects.visible_to(self.request.user, self.permission)
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
        kind = self.request.GET.get("kind", "")
        if kind in UnitKind.values:
            qs = qs.filter(kind=kind)
        active = self.request.GET.get("active", "")
        if active in ("1", "0"):
            qs = qs.filter(is_active=active == "1")
        return qs.select_related("parent").annotate(user_count=Count("users")).order_by("path")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["object_list"])
        base = min((u.depth for u in rows), default=0)
        for u in rows:
            u.indent = (u.depth - base) * 1.5
        ctx["rows"] = rows
        ctx["kinds"] = UnitKind.choices
        ctx["can_add"] = scoping.has_any(self.request.user, "org.add_unit")
        ctx["can_change"] = scoping.has_any(self.request.user, "org.change_unit")
        ctx["can_import"] = scoping.has_any(self.request.user, "org.import_unit")
        return ctx


class UnitDetailView(ScopedDetailView):
    model = Unit
    permission = "org.view_unit"
    template_name = "org/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return Unit.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, unit = self.request.user, self.object
        ctx["ancestors"] = list(unit.ancestors().exclude(pk=unit.pk))
        ctx["children"] = list(
            Unit.objects.visible_to(user, "org.view_unit").filter(parent=unit).order_by("sort_order", "path")
        )
        ctx["can_view_users"] = scoping.unit_in_scope(user, "org.view_user", unit)
        if ctx["can_view_users"]:
            ctx["accounts"] = list(
                User.objects.visible_to(user, "org.view_user")
                .filter(unit=unit)
                .prefetch_related(
                    Prefetch(
                        "role_assignments", queryset=RoleAssignment.objects.select_related("role", "unit")
                    )
                )
                .order_by("username")
            )
        ctx["moves"] = list(
            UnitMove.objects.filter(unit=unit)
            .select_related("old_parent", "new_parent", "moved_by")
            .order_by("-moved_at")
        )
        ctx["can_change"] = scoping.unit_in_scope(user, "org.change_unit", unit)
        ctx["can_add_child"] = scoping.unit_in_scope(user, "org.add_unit", unit)
        return ctx


class UnitCreateView(SubmitOnceMixin, ServiceFormView):
    form_class = UnitCreateForm
    permission = "org.add_unit"
    template_name = "org/unit_form.html"
    success_message = "单位已新建"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["parents"] = Unit.objects.visible_to(self.request.user, "org.add_unit").filter(is_active=True)
        return kwargs

    def get_initial(self):
        return {"parent": self.request.GET.get("parent")}

    def perform(self, form):
        return services.unit_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url_for(self, target):
        return reverse("org:unit_detail", args=[target.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="新建单位", **kwargs)


class UnitUpdateView(ServiceFormView):
    model = Unit
    form_class = UnitUpdateForm
    permission = "org.change_unit"
    permission_first = True  # no such permission anywhere → 403; not on this unit → 404
    template_name = "org/unit_form.html"
    success_message = "单位信息已保存"

    def get_initial(self):
        u = self.object
        return {
            f: getattr(u, f)
            for f in (
                "name",
                "short_name",
                "kind",
                "institution_type",
                "is_active",
                "sort_order",
                "issuer_code",
            )
        }

    def perform(self, form):
        return services.unit_update(actor=self.request.user, unit=self.object, data=form.cleaned_data)

    def get_success_url_for(self, target):
        return reverse("org:unit_detail", args=[target.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"编辑单位：{self.object.name}", **kwargs)


class UnitMoveView(ServiceFormView):
    model = Unit
    form_class = UnitMoveForm
    permission = "org.change_unit"
    permission_first = True
    template_name = "org/unit_move.html"
    success_message = "单位（含下级）已迁移"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["parents"] = (
            Unit.objects.visible_to(self.request.user, "org.change_unit")
            .filter(is_active=True)
            .exclude(scoping.subtree_q(self.object))
            .exclude(pk=self.object.parent_id)
        )
        return kwargs

    def perform(self, form):
        return services.unit_move(
            actor=self.request.user, unit=self.object, new_parent=form.cleaned_data["new_parent"]
        )

    def get_success_url_for(self, target):
        return reverse("org:unit_detail", args=[target.pk])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["subtree_size"] = Unit.objects.subtree_of(self.object).count()
        return ctx


# --- accounts (R-ORG-2, R-SEC-1..2) ----------------------------------------------------------


def _roles_prefetch():
    return Prefetch(
        "role_assignments",
        queryset=RoleAssignment.objects.select_related("role", "unit").order_by("id"),
    )


class UserListView(ScopedListView):
    model = User
    permission = "org.view_user"
    template_name = "org/user_list.html"

    def base_queryset(self):
        qs = User.objects.visible_to(self.request.user, self.permission)
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(title__icontains=q))
        unit_id = self.request.GET.get("unit", "")
        if unit_id.isdigit():
            unit = Unit.objects.visible_to(self.request.user, self.permission).filter(pk=unit_id).first()
            if unit is not None:
                qs = qs.filter(scoping.subtree_q(unit, "unit"))
        status = self.request.GET.get("status", "")
        if status == "active":
            qs = qs.filter(is_active=True)
        elif status == "inactive":
            qs = qs.filter(is_active=False)
        elif status == "locked":
            qs = qs.filter(locked_until__gt=clock.now())
        return (
            qs.select_related("unit").prefetch_related(_roles_prefetch()).order_by("unit__path", "username")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        now = clock.now()
        for u in ctx["object_list"]:
            u.is_locked = bool(u.locked_until and u.locked_until > now)
        ctx["units"] = [
            (str(u.pk), "　" * u.depth + u.display_name)
            for u in Unit.objects.visible_to(user, self.permission)
            .order_by("path")
            .only("pk", "depth", "name", "short_name")
        ]
        ctx["can_add"] = scoping.has_any(user, "org.add_user")
        ctx["can_change"] = scoping.has_any(user, "org.change_user")
        ctx["can_grant"] = scoping.has_any(user, "org.grant_role")
        ctx["can_unlock"] = scoping.has_any(user, "org.unlock_user")
        ctx["can_import"] = scoping.has_any(user, "org.import_user")
        return ctx


class UserDetailView(ScopedDetailView):
    model = User
    permission = "org.view_user"
    template_name = "org/user_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return User.objects.select_related("unit").prefetch_related(_roles_prefetch())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, account = self.request.user, self.object
        ctx["is_locked"] = bool(account.locked_until and account.locked_until > clock.now())
        ctx["can_change"] = scoping.unit_in_scope(user, "org.change_user", account.unit)
        ctx["can_grant"] = (
            scoping.unit_in_scope(user, "org.grant_role", account.unit) and user.pk != account.pk
        )
        ctx["can_unlock"] = scoping.unit_in_scope(user, "org.unlock_user", account.unit)
        return ctx


class UserCreateView(SubmitOnceMixin, ServiceFormView):
    form_class = UserCreateForm
    permission = "org.add_user"
    template_name = "org/user_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["units"] = Unit.objects.visible_to(self.request.user, "org.add_user").filter(is_active=True)
        return kwargs

    def get_initial(self):
        return {"unit": self.request.GET.get("unit")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="新建账号", **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        generated = not data["password"]
        if generated:
            data["password"] = services.generate_password()
        try:
            account = services.user_create(actor=self.request.user, must_change_password=True, **data)
        except (ValidationError, PermissionDenied) as exc:
            return self._service_error(form, exc)
        self.once_result_url = reverse("org:user_detail", args=[account.pk])  # where a resend goes
        # the initial password is shown once, on this response only (never stored in a message/cookie)
        return render(
            self.request,
            "org/user_created.html",
            {"account": account, "password": data["password"] if generated else ""},
        )

    def _service_error(self, form, exc):
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, _message(exc))
        return self.form_invalid(form)


class UserUpdateView(ServiceFormView):
    model = User
    form_class = UserUpdateForm
    permission = "org.change_user"
    permission_first = True
    template_name = "org/user_form.html"
    success_message = "账号信息已保存"

    def get_initial(self):
        u = self.object
        return {
            "full_name": u.full_name,
            "title": u.title,
            "phone": u.phone,
            "email": u.email,
            "is_active": u.is_active,
        }

    def perform(self, form):
        return services.user_update(actor=self.request.user, user=self.object, data=form.cleaned_data)

    def get_success_url_for(self, target):
        return reverse("org:user_detail", args=[target.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"编辑账号：{self.object.full_name}（{self.object.username}）", **kwargs
        )


class UserUnlockView(PermissionRequiredMixin, View):
    permission = "org.unlock_user"
    http_method_names = ["post"]

    def post(self, request, pk):
        account = get_object_or_404(User.objects.visible_to(request.user, self.permission), pk=pk)
        try:
            services.user_unlock(actor=request.user, user=account)
            messages.success(request, f"账号“{account.username}”已解锁")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        nxt = request.POST.get("next", "")
        if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
            return redirect(nxt)
        return redirect("org:user_detail", pk=account.pk)


class UserPasswordResetView(PermissionRequiredMixin, View):
    """POST only; the new password is shown on this response only."""

    permission = "org.change_user"
    http_method_names = ["post"]

    def post(self, request, pk):
        account = get_object_or_404(User.objects.visible_to(request.user, self.permission), pk=pk)
        try:
            password = services.user_password_reset(actor=request.user, user=account)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
            return redirect("org:user_detail", pk=account.pk)
        return render(
            request, "org/user_created.html", {"account": account, "password": password, "reset": True}
        )


class UserRolesView(ServiceFormView):
    """Grant and revoke roles (安全保密管理员 only; re-enter own password; 三权分立 in the service)."""

    model = User
    form_class = RoleGrantForm
    permission = "org.grant_role"
    permission_first = True
    template_name = "org/user_roles.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["actor"] = self.request.user
        kwargs["units"] = Unit.objects.visible_to(self.request.user, "org.grant_role").filter(is_active=True)
        return kwargs

    def get_initial(self):
        return {"unit": self.object.unit_id, "include_descendants": True}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["account"] = self.object
        ctx["assignments"] = list(
            RoleAssignment.objects.filter(user=self.object).select_related("role", "unit").order_by("id")
        )
        ctx["is_self"] = self.object.pk == self.request.user.pk
        return ctx

    def perform(self, form):
        d = form.cleaned_data
        services.role_grant(
            actor=self.request.user,
            user=self.object,
            role=d["role"],
            unit=d["unit"],
            include_descendants=d["include_descendants"],
        )
        messages.success(self.request, f"已授予“{d['role'].name}”")
        return self.object

    def get_success_url_for(self, target):
        return reverse("org:user_roles", args=[target.pk])


class RoleRevokeView(PermissionRequiredMixin, View):
    permission = "org.grant_role"
    http_method_names = ["post"]

    def post(self, request, pk, assignment_pk):
        account = get_object_or_404(User.objects.visible_to(request.user, self.permission), pk=pk)
        assignment = get_object_or_404(
            RoleAssignment.objects.visible_to(request.user, self.permission).select_related("role", "unit"),
            pk=assignment_pk,
            user=account,
        )
        try:
            services.role_revoke(actor=request.user, assignment=assignment)
            messages.success(request, f"已撤销“{assignment.role.name}”")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _message(exc))
        return redirect("org:user_roles", pk=account.pk)


# --- security policy -------------------------------------------------------------------------


class PolicyView(PermissionRequiredMixin, FormView):
    permission = "org.change_securitypolicy"
    form_class = PolicyForm
    template_name = "org/policy.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = SecurityPolicy.current()
        return kwargs

    def form_valid(self, form):
        try:
            services.policy_update(actor=self.request.user, data=form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, "安全策略已保存")
        return redirect("org:policy")


# --- Excel import (R-ORG-4) ------------------------------------------------------------------


class ImportView(PermissionRequiredMixin, FormView):
    form_class = ImportForm
    template_name = "org/import.html"
    kind = ""  # "unit" or "user"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kind"] = self.kind
        ctx["title"] = "导入单位" if self.kind == "unit" else "导入账号"
        ctx["columns"] = imports.UNIT_COLUMNS if self.kind == "unit" else imports.USER_COLUMNS
        ctx["template_url"] = reverse(f"org:{self.kind}_import_template")
        ctx["back_url"] = reverse(f"org:{self.kind}_list")
        return ctx

    def form_valid(self, form):
        runner = imports.import_units if self.kind == "unit" else imports.import_users
        try:
            result = runner(actor=self.request.user, upload=form.cleaned_data["file"])
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            return self.render_to_response(self.get_context_data(form=form, import_errors=errors))
        if self.kind == "unit":
            messages.success(self.request, f"导入成功：新建单位{len(result)}个")
            return redirect("org:unit_list")
        return render(self.request, "org/user_import_done.html", {"imported": result})


class UnitImportView(ImportView):
    permission = "org.import_unit"
    kind = "unit"


class UserImportView(ImportView):
    permission = "org.import_user"
    kind = "user"


class ImportTemplateView(PermissionRequiredMixin, View):
    kind = ""

    def get(self, request):
        if self.kind == "unit":
            return excel.xlsx_response(imports.unit_template(), "单位导入模板.xlsx")
        return excel.xlsx_response(imports.user_template(), "账号导入模板.xlsx")


class UnitImportTemplateView(ImportTemplateView):
    permission = "org.import_unit"
    kind = "unit"


class UserImportTemplateView(ImportTemplateView):
    permission = "org.import_user"
    kind = "user"
