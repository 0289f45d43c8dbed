"""The unread count beside the inbox bell on every page (a context processor in settings.TEMPLATES)."""

from notifications.models import Message


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_count": Message.objects.filter(recipient=user, read_at__isnull=True).count()}
