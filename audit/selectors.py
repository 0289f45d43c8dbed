"""Reads of the audit log (R-SEC-3): only 审计管理员 (audit.view_auditevent), within their scope."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent, AuditHead
from core import scoping

VIEW = "audit.view_auditevent"


def events_visible_to(user):
    """Events of the units in the auditor's scope; events tied to no unit (e.g. a failed login
    with an unknown account name) belong to whoever audits the root of the tree."""
    return AuditEvent.objects.filter(
        scoping.scope_q(user, VIEW, AuditEvent.scope_unit_fields, unitless="org_unit")
    )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(
    user,
    *,
    action="",
    actor="",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    obj="",
    success="",
):
    qs = events_visible_to(user).select_related("actor_unit", "org_unit")
    if action:
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    # local (Asia/Shanghai) calendar days → an indexed range on the stored UTC time
    if date_from:
        qs = qs.filter(occurred_at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=_start_of(date_to + dt.timedelta(days=1)))
    if obj:
        qs = qs.filter(Q(object_repr__icontains=obj) | Q(object_id=obj) | Q(object_type__icontains=obj))
    if success in ("1", "0"):
        qs = qs.filter(success=success == "1")
    return qs.order_by("-seq")


def chain_alarm():
    """The checkpoint when it carries an unresolved chain alarm (the break the writer or the last
    verification found), else None; shown on the auditor's pages until a verification passes."""
    return AuditHead.objects.filter(pk=1, alarm_seq__isnull=False).first()
