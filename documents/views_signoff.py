"""签发 pages (the actions on a document's page): 送签, 撤回, 退回 with comments, 签发 with the
password entered again. Each POST answers with the document's page: a redirect on success, the
page with the form's errors otherwise. The rules are documents.services' check_submit/check_sign."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from core.views import PermissionRequiredMixin, SubmitOnceMixin, _attach_errors
from documents import forms, selectors, services
from documents.models import IssuedDocument


def detail_context(request, doc: IssuedDocument, **bound) -> dict:
    """The document's page: preview, facts, history, and the actions this user may take (each
    shown only where the service would accept it); `bound`: a form with errors to show again."""
    user = request.user
    draft = doc.status == IssuedDocument.Status.DRAFT
    problems, n_problems = selectors.linked_problems(user, doc)
    assignments, n_assignments = selectors.linked_assignments(user, doc)
    can_submit = services.may(services.check_submit, user, doc)
    signers = (
        services.eligible_signers(doc.org_unit, exclude=(doc.created_by_id, user.pk)) if can_submit else None
    )
    can_sign = services.may(services.check_sign, user, doc)
    return {
        "object": doc,
        "doc": doc,
        "preview": selectors.preview(doc),
        "problems": problems,
        "n_problems": n_problems,
        "assignments": assignments,
        "n_assignments": n_assignments,
        "events": selectors.document_events(doc),
        "can_edit": draft and services.may(services.check_submit, user, doc, "update"),
        "can_submit": can_submit,
        "can_withdraw": services.may(services.check_submit, user, doc, "withdraw"),
        "can_issue": can_sign,
        "own_draft": doc.status == IssuedDocument.Status.SUBMITTED
        and doc.created_by_id == user.pk
        and selectors.may_sign_for(user, doc.org_unit),
        "submit_form": bound.get("submit_form")
        or forms.SubmitForm(signers=signers, initial={"version": doc.version}),
        "return_form": bound.get("return_form") or forms.ReturnForm(),
        "issue_form": bound.get("issue_form") or forms.IssueForm(),
        "download_name": services.download_name(doc),
    }


class _DocumentAction(SubmitOnceMixin, PermissionRequiredMixin, View):
    """A POST on one document: each action names its `form_class` (or builds it in `make_form`) and
    its `act(doc, form)`, which calls the service and returns (document, message); refusals go on
    the form."""

    http_method_names = ["post"]
    form_class = None
    form_name = ""
    shown_by = ""  # the context flag under which the page shows this action's form

    def make_form(self, request, doc):
        return self.form_class(request.POST)

    def post(self, request, pk):
        doc = get_object_or_404(selectors.documents_visible(request.user, self.permission), pk=pk)
        form = self.make_form(request, doc)
        if form.is_valid():
            try:
                doc, message = self.act(doc, form)
            except PermissionDenied as exc:
                text = str(exc) or "您无权办理该公文"
                form.add_error("password" if "密码" in text and "password" in form.fields else None, text)
            except ValidationError as exc:
                _attach_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect(doc.get_absolute_url())
        doc = selectors.document_detail(request.user, pk)
        ctx = detail_context(request, doc, **{self.form_name: form})
        if not ctx[self.shown_by]:  # the action is no longer offered (signed meanwhile …): say why
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return render(request, "documents/document_detail.html", ctx)


class DocumentSubmitView(_DocumentAction):
    """送签: to a named leader of the issuer or to any of them."""

    permission = selectors.CHANGE
    form_name = "submit_form"
    shown_by = "can_submit"

    def make_form(self, request, doc):
        signers = services.eligible_signers(doc.org_unit, exclude=(doc.created_by_id, request.user.pk))
        return forms.SubmitForm(request.POST, signers=signers)

    def act(self, doc, form):
        d = form.cleaned_data
        doc = services.document_submit(
            actor=self.request.user, document=doc, signer=d["signer"], version=d.get("version")
        )
        who = d["signer"].full_name if d["signer"] else "本机关领导"
        return doc, f"已送{who}签发"


class DocumentWithdrawView(_DocumentAction):
    permission = selectors.CHANGE
    form_class = forms.WithdrawForm
    form_name = "withdraw_form"
    shown_by = "can_withdraw"

    def act(self, doc, form):
        return services.document_withdraw(actor=self.request.user, document=doc), "已撤回，可修改后重新送签"


class DocumentReturnView(_DocumentAction):
    permission = selectors.ISSUE
    form_class = forms.ReturnForm
    form_name = "return_form"
    shown_by = "can_issue"

    def act(self, doc, form):
        doc = services.document_return(
            actor=self.request.user, document=doc, comment=form.cleaned_data["comment"]
        )
        return doc, "已退回起草人修改"


class DocumentIssueView(_DocumentAction):
    """签发 with the password entered again: number, render, store with SM3, freeze."""

    permission = selectors.ISSUE
    form_class = forms.IssueForm
    form_name = "issue_form"
    shown_by = "can_issue"

    def act(self, doc, form):
        doc = services.document_issue(
            actor=self.request.user, document=doc, password=form.cleaned_data["password"]
        )
        return doc, f"已签发：{doc.doc_number}"
