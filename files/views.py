from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView

from core.views import _attach_errors
from files import selectors, services
from files.forms import AttachmentForm


class AttachmentUploadView(FormView):
    """The upload page of a record that holds files. The owner app subclasses it, with
    core.views.SubmitOnceMixin first in the bases (it wraps the permission checks too): it loads
    its record (and refuses who may not attach), and says what the page lists (`existing`), how
    uploads are stored on the record (`store`) and where to go after (`done_url`)."""

    form_class = AttachmentForm
    template_name = "files/attachment_form.html"

    # the hooks each owner's page defines (reporting.views.AttachmentUploadView): abstract here
    def existing(self):
        raise NotImplementedError(f"{type(self).__name__} must say which files the page lists")

    def store(self, uploads, purpose: str) -> list:
        raise NotImplementedError(f"{type(self).__name__} must store the uploads on its record")

    def done_url(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} must say where to go after the upload")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["existing"] = self.existing()
        return ctx

    def form_valid(self, form):
        try:
            stored = self.store(form.cleaned_data["files"], form.cleaned_data["purpose"])
        except ValidationError as exc:
            _attach_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, f"已上传{len(stored)}个文件")
        return redirect(self.done_url())


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Served only through the scope check, SM3-verified, never from a public URL (R-SEC-4)."""

    def get(self, request, pk):
        attachment = selectors.attachment_for(request.user, pk)
        if attachment is None:
            raise Http404("附件不存在或不在您的权限范围内")
        try:
            data = services.attachment_read(actor=request.user, attachment=attachment)
        except (ValidationError, FileNotFoundError) as exc:
            message = (
                "；".join(exc.messages) if isinstance(exc, ValidationError) else "附件文件缺失，请联系管理员"
            )
            back = selectors.back_url(attachment) or reverse("dashboards:workbench")
            return render(
                request,
                "files/attachment_error.html",
                {"attachment": attachment, "message": message, "back_url": back},
                status=409,
            )
        response = HttpResponse(data, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(True, attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Length"] = str(len(data))
        return response
