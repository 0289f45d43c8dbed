"""Reads of files: the one visibility rule of a file (page, download, API)."""

from __future__ import annotations

from django.db.models import Q

from files import registry
from files.models import Attachment


def attachments_visible(user):
    """The one rule for files: an attachment is visible exactly when a record it belongs to is —
    the union of what every owner app registered (files.registry): a report's file or a 办结佐证
    with its assignment, a 节点佐证 with its task, a 整改佐证 with its problem."""
    condition = Q()
    for owner in registry.owners():
        condition |= Q(pk__in=owner.visible(user))
    if not condition:
        return Attachment.objects.none()
    return Attachment.objects.filter(condition)


def attachment_for(user, pk: int) -> Attachment | None:
    """An attachment the user may download (`attachments_visible`), or None."""
    return attachments_visible(user).filter(pk=pk).first()


def back_url(attachment: Attachment) -> str | None:
    """The page the file belongs to (the first owner that knows it), or None."""
    for owner in registry.owners():
        if owner.back_url is not None:
            url = owner.back_url(attachment)
            if url:
                return url
    return None
