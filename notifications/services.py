"""notify(): inbox messages inside the caller's transaction; outbound copies after commit via the queue."""

from django.conf import settings
from django.db import IntegrityError, transaction

from core import clock
from notifications.models import Delivery, Message


def notify(
    *, recipients, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str = ""
) -> list[Message]:
    created = []
    now = clock.now()
    for user in {u.pk: u for u in recipients}.values():
        if dedupe_key and Message.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                msg = Message.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title,
                    body=body,
                    link=link,
                    dedupe_key=dedupe_key,
                    created_at=now,
                )
        except IntegrityError:  # a concurrent scan wrote the same reminder
            continue
        created.append(msg)
    webhook = getattr(settings, "DUBAN_WEBHOOK_URL", "")
    if created and webhook:
        payload = {
            "msgtype": "text",
            "text": {"content": f"{title}\n{body}".strip()},
            "kind": kind,
            "link": link,
        }
        delivery = Delivery.objects.create(
            message=created[0], channel=Delivery.Channel.WEBHOOK, target=webhook, payload=payload
        )
        from notifications.tasks import deliver

        transaction.on_commit(lambda: deliver(delivery.pk))
    return created


@transaction.atomic
def message_mark_read(*, user, message: Message) -> Message:
    if message.recipient_id != user.pk:
        raise Message.DoesNotExist
    if message.read_at is None:
        message.read_at = clock.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def message_mark_all_read(*, user) -> int:
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


# --- reminders before deadlines and on the day an item turns red (R-WRN-1b) ----------------------

RED_CATCH_UP_DAYS = 7  # a scan that was not running for a while still announces recent reds


def reminder_window_end(today, days_before: int):
    """Latest due date whose `days_before` reminder is due by `today`. The reminder day is the last
    working day on or before (due − days_before), on the official calendar (R-TSK-1b): a reminder
    that would fall on a weekend or holiday goes out on the working day before it."""
    import datetime as dt

    from tasks import workdays

    next_workday = workdays.add_workdays(today, 1)
    return next_workday - dt.timedelta(days=1) + dt.timedelta(days=days_before)


def _unit_people(unit, perm: str):
    """Holders of `perm` at `unit` who belong to that unit or below (not every supervisor above)."""
    from org.selectors import users_with_perm_at

    return list(users_with_perm_at(unit, perm).filter(unit__path__startswith=unit.path))


def _send_once(*, key: str, recipients, kind: str, title: str, body: str, link: str, after) -> bool:
    """Write the ReminderLog row, the inbox messages and the timeline/audit records together, once."""
    from notifications.models import ReminderLog

    try:
        with transaction.atomic():
            ReminderLog.objects.create(key=key, sent_at=clock.now(), recipients=len(recipients))
            notify(recipients=recipients, kind=kind, title=title, body=body, link=link, dedupe_key=key)
            after(len(recipients))
    except IntegrityError:  # another scan sent it a moment ago
        return False
    return True


def reminders_scan(*, today=None) -> dict:
    """Find, with the database light expression, the assignments and milestones due for a reminder
    (7 and 1 days before the due date by default) or that turned red, and send each reminder once.

    Idempotent: every reminder has a key (remind:<assignment>:<due>:<days>, red:<assignment>:<due>,
    remind:ms:… for milestones) recorded in ReminderLog and used as the messages' dedupe_key.
    A due date moved by an approved extension gives new keys, so reminders follow the new date."""
    import datetime as dt

    from django.conf import settings

    from audit.services import record
    from notifications.models import ReminderLog
    from tasks import lights
    from tasks.choices import AssignmentRole, EventKind, Light, TaskStatus
    from tasks.models import Assignment, Milestone, TaskEvent

    today = today or clock.today()
    thresholds = sorted(set(settings.DUBAN_REMINDER_DAYS))
    remind_statuses = (TaskStatus.ASSIGNED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
    counts = {"reminders": 0, "red": 0, "milestone_reminders": 0, "milestone_red": 0}

    # candidates: (key, kind of item, object, threshold or None)
    candidates = []
    lit = Assignment.objects.annotate(light=lights.light_expression(today)).select_related(
        "task", "unit", "org_unit"
    )
    lower = today - dt.timedelta(days=1)
    for k in thresholds:
        upper = reminder_window_end(today, k)
        for a in lit.filter(
            status__in=remind_statuses,
            due_date__gt=lower,
            due_date__lte=upper,
            light__in=(Light.GREEN, Light.YELLOW),
        ):
            candidates.append((f"remind:{a.pk}:{a.due_date}:{k}", "remind", a, k))
        lower = upper
    for a in lit.filter(light=Light.RED, due_date__gte=today - dt.timedelta(days=RED_CATCH_UP_DAYS)):
        candidates.append((f"red:{a.pk}:{a.due_date}", "red", a, None))

    ms_lit = Milestone.objects.annotate(light=lights.milestone_light_expression(today)).filter(
        task__assignments__role=AssignmentRole.LEAD, task__assignments__status__in=remind_statuses
    )
    lower = today - dt.timedelta(days=1)
    for k in thresholds:
        upper = reminder_window_end(today, k)
        for m in ms_lit.filter(
            due_date__gt=lower, due_date__lte=upper, light__in=(Light.GREEN, Light.YELLOW)
        ).select_related("task"):
            candidates.append((f"remind:ms:{m.pk}:{m.due_date}:{k}", "ms_remind", m, k))
        lower = upper
    for m in ms_lit.filter(
        light=Light.RED, due_date__gte=today - dt.timedelta(days=RED_CATCH_UP_DAYS)
    ).select_related("task"):
        candidates.append((f"red:ms:{m.pk}:{m.due_date}", "ms_red", m, None))

    keys = [c[0] for c in candidates]
    done = set(ReminderLog.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    todo = [c for c in candidates if c[0] not in done]
    leads = {}
    ms_task_ids = {c[2].task_id for c in todo if c[1].startswith("ms_")}
    if ms_task_ids:
        leads = {
            a.task_id: a
            for a in Assignment.objects.filter(
                task_id__in=ms_task_ids, role=AssignmentRole.LEAD
            ).select_related("unit", "org_unit", "task")
        }

    for key, what, obj, k in todo:
        if what in ("remind", "red"):
            assignment, task, due = obj, obj.task, obj.due_date
        else:
            assignment, task, due = leads.get(obj.task_id), obj.task, obj.due_date
            if assignment is None:
                continue
        left = (due - today).days
        when = "今天到期" if left == 0 else f"还有{left}天到期"
        people = _unit_people(assignment.unit, "reporting.add_progressreport")
        if what == "remind":
            title = f"到期提醒：{task.title}（{when}）"
            body = (
                f"{assignment.unit.display_name}承办，完成时限{due:%Y-%m-%d}，当前进度{assignment.progress}%"
            )
            kind = Message.Kind.REMINDER

            def after(n, a=assignment, t=task, k=k, due=due):
                TaskEvent.objects.create(
                    task=t,
                    assignment=a,
                    kind=EventKind.REMINDED,
                    at=clock.now(),
                    note=f"到期前{k}天提醒（时限{due:%Y-%m-%d}），已通知{n}人",
                )
                record(
                    actor=None,
                    action="notifications.reminder.sent",
                    obj=a,
                    changes={"key": f"remind:{a.pk}:{due}:{k}", "days_before": k, "recipients": n},
                )

            counter = "reminders"
        elif what == "red":
            reason = lights.for_object(assignment, today).reason
            people += [
                u for u in _unit_people(assignment.org_unit, "tasks.verify_assignment") if u not in people
            ]
            title = f"已逾期（红灯）：{task.title}"
            body = f"{assignment.unit.display_name}承办，完成时限{due:%Y-%m-%d}。{reason}"
            kind = Message.Kind.RED

            def after(n, a=assignment, t=task, reason=reason, due=due):
                TaskEvent.objects.create(
                    task=t,
                    assignment=a,
                    kind=EventKind.LIGHT_CHANGED,
                    at=clock.now(),
                    note=f"转为红灯：{reason}（时限{due:%Y-%m-%d}），已通知{n}人",
                )
                record(
                    actor=None,
                    action="tasks.assignment.light_changed",
                    obj=a,
                    changes={"light": {"after": "红"}, "reason": reason, "due_date": due, "recipients": n},
                )

            counter = "red"
        else:
            red = what == "ms_red"
            if red:
                title = f"时间节点已逾期（红灯）：{task.title} · {obj.title}"
                kind = Message.Kind.RED
                counter = "milestone_red"
            else:
                title = f"时间节点提醒：{task.title} · {obj.title}（{when}）"
                kind = Message.Kind.REMINDER
                counter = "milestone_reminders"
            body = f"节点时限{due:%Y-%m-%d}，{assignment.unit.display_name}承办"

            def after(n, a=assignment, t=task, m=obj, red=red, k=k, due=due):
                TaskEvent.objects.create(
                    task=t,
                    assignment=a,
                    kind=EventKind.LIGHT_CHANGED if red else EventKind.REMINDED,
                    at=clock.now(),
                    note=(f"时间节点“{m.title}”转为红灯" if red else f"时间节点“{m.title}”到期前{k}天提醒")
                    + f"（时限{due:%Y-%m-%d}），已通知{n}人",
                )
                record(
                    actor=None,
                    action="tasks.assignment.light_changed" if red else "notifications.reminder.sent",
                    obj=a,
                    changes={"milestone": m.title, "due_date": due, "days_before": k, "recipients": n},
                )

        if _send_once(
            key=key,
            recipients=people,
            kind=kind,
            title=title,
            body=body,
            link=task.get_absolute_url(),
            after=after,
        ):
            counts[counter] += 1
    return counts
