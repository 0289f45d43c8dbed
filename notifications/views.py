from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from notifications import selectors, services
from notifications.models import Message


class InboxView(LoginRequiredMixin, ListView):
    template_name = "notifications/inbox.html"
    context_object_name = "inbox"
    paginate_by = 50

    def get_queryset(self):
        return selectors.inbox_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unread_total"] = Message.objects.filter(
            recipient=self.request.user, read_at__isnull=True
        ).count()
        return ctx


class MessageReadView(LoginRequiredMixin, View):
    """POST: mark one message read; with open=1 go on to what it links to."""

    http_method_names = ["post"]

    def post(self, request, pk):
        message = get_object_or_404(Message, pk=pk, recipient=request.user)
        services.message_mark_read(user=request.user, message=message)
        if (
            request.POST.get("open")
            and message.link
            and url_has_allowed_host_and_scheme(
                message.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return redirect(message.link)
        return redirect("notifications:inbox")


class MarkAllReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        n = services.message_mark_all_read(user=request.user)
        messages.success(request, f"已将{n}条消息标为已读" if n else "没有未读消息")
        return redirect("notifications:inbox")
