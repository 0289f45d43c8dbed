from django.db.models import Case, IntegerField, Value, When

from notifications.models import Message


def inbox_for(user):
    """The user's own messages, unread first, newest first. Nobody reads another's inbox."""
    return (
        Message.objects.filter(recipient=user)
        .annotate(
            unread=Case(
                When(read_at__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("-unread", "-created_at", "-id")
    )


def recent_for(user, limit: int = 5):
    return list(Message.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit])
