"""The ladder for red tasks (R-WRN-2): 提醒 → 催办 → 督办单 → 列入通报 → 建议问责.

An assignment is red on day T when T is past its due date D (tasks.lights, the one light rule).
Its *days red* are calendar days, T − D: 1 on the first red day. Within one red spell (one due
date: a date moved by an approved extension starts a new spell) the steps are taken in order,
each once (TaskEscalation's unique constraint, under the assignment's row lock):

1. 提醒     on the first day red. tasks/reminders.py sends the red reminder (key red:<id>:<due>);
            the step records it and sends the same reminder, under the same key, only when the
            reminder scan has not (so there is never a second message).
2. 催办     after N1 days red (DUBAN_LADDER_URGE_DAYS, 3): a 催办 notice to the unit's signers
            (负责人, 联络员) and to the supervisor who assigned it.
3. 督办单   after N2 days red (DUBAN_LADDER_ORDER_DAYS, 7): documents.services.order_for_assignment
            drafts the 督办单 in the assigning unit's name and sends it to its leaders for 签发; a
            督办单 already drafted by hand for this spell is linked instead of a second one.
4. 列入通报 when an issued 督办通报 (documents' kind task_bulletin) lists the assignment while it
            is red and at 督办单 in this spell (documents.signals.document_issued; the daily scan
            catches up on a bulletin issued before the step could be taken). A red assignment
            listed before its 督办单 is not taken to 列入通报 by that bulletin: the ladder is in
            order, and the next bulletin lists it.
5. 建议问责 after N3 days red (DUBAN_LADDER_ACCOUNTABILITY_DAYS, 30) once listed: a proposal
            (the row, the timeline event and a notice to the 纪检监察 of the assigning unit and
            above); the accountability module that acts on it comes later.

Turning green (办结, a moved due date) stops the ladder: nothing is taken while the assignment is
not red, and a later red spell starts again from 提醒. Each step writes, in one transaction, its
row, a TaskEvent on the task's timeline, the inbox notices and one audit record.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from audit.services import record
from core import clock
from core.transitions import CREATED
from documents.models import DocumentKind, IssuedDocument
from documents.services import order_for_assignment
from escalation.models import Level, TaskEscalation
from escalation.transitions import ACTION, LADDER
from notifications.models import Message, ReminderLog
from notifications.services import notify, send_once, unit_people
from org.selectors import users_with_perm_at
from tasks import lights
from tasks.choices import EventKind, Light
from tasks.models import Assignment, TaskEvent

EVENT_KIND = {
    Level.REMIND: EventKind.REMINDED,
    Level.URGE: EventKind.URGED,
    Level.ORDER: EventKind.ORDERED,
    Level.BULLETIN: EventKind.BULLETINED,
    Level.ACCOUNTABILITY: EventKind.ACCOUNTABILITY_PROPOSED,
}
logger = logging.getLogger(__name__)
DISCIPLINE_ROLE = "discipline"  # 纪检监察 (org.roles): told of a proposal for accountability


@dataclass(frozen=True)
class Params:
    urge_days: int
    order_days: int
    accountability_days: int


def _params() -> Params:
    return Params(
        getattr(settings, "DUBAN_LADDER_URGE_DAYS", 3),
        getattr(settings, "DUBAN_LADDER_ORDER_DAYS", 7),
        getattr(settings, "DUBAN_LADDER_ACCOUNTABILITY_DAYS", 30),
    )


def days_red(assignment: Assignment, today: dt.date) -> int:
    """Calendar days past the due date (1 on the first red day; 0 or less: not red by date)."""
    return (today - assignment.due_date).days


def due_by_days(days: int, params: Params | None = None) -> int:
    """The highest of the steps 提醒/催办/督办单 that `days` red call for (0: none)."""
    p = params or _params()
    if days >= p.order_days:
        return Level.ORDER
    if days >= p.urge_days:
        return Level.URGE
    return Level.REMIND if days >= 1 else 0


# --- one step -----------------------------------------------------------------------------------


@transaction.atomic
def take_step(
    *,
    assignment: Assignment,
    level: int,
    today: dt.date | None = None,
    actor=None,
    note: str = "",
    document: IssuedDocument | None = None,
) -> TaskEscalation | None:
    """Take step `level` for the assignment's current red spell; None when it is not red, the step
    before was not taken, or this one was taken already (by an earlier or a concurrent run)."""
    today = today or clock.today()
    a = (
        Assignment.objects.select_for_update()
        .select_related("task", "unit", "org_unit")
        .get(pk=assignment.pk)
    )
    if lights.for_object(a, today).light != Light.RED:
        return None
    taken = TaskEscalation.objects.filter(assignment=a, spell=a.due_date).values_list("level", flat=True)
    if not LADDER.allows(ACTION[level], max(taken, default=CREATED)):
        return None  # taken already, or the step before it not yet (escalation.transitions)
    try:
        with transaction.atomic():
            step = TaskEscalation.objects.create(
                assignment=a,
                org_unit=a.org_unit,
                unit=a.unit,
                spell=a.due_date,
                level=level,
                at=clock.now(),
                days_red=days_red(a, today),
                note=note,
                document=document,
                actor=actor,
            )
    except IntegrityError:  # a concurrent run took it a moment ago
        return None
    if level == Level.ORDER and document is None:
        step.document = _order(a, today, actor)
        step.save(update_fields=["document"])
    _announce(step, a, today)
    return step


def _order(a: Assignment, today: dt.date, actor) -> IssuedDocument:
    """The 督办单 of this spell: one drafted by hand already, or a new draft sent for 签发."""
    existing = (
        IssuedDocument.objects.filter(
            kind=DocumentKind.SUPERVISION_ORDER, assignments=a, params__due_date=a.due_date.isoformat()
        )
        .order_by("id")
        .first()
    )
    return existing or order_for_assignment(assignment=a, today=today, actor=actor)


def _announce(step: TaskEscalation, a: Assignment, today: dt.date) -> None:
    """The step's timeline event, inbox notices and audit record."""
    label = Level(step.level).label
    words = _words(step, a)
    sent = _notices(step, a, today, words)
    TaskEvent.objects.create(
        task=a.task,
        assignment=a,
        kind=EVENT_KIND[step.level],
        actor=step.actor,
        at=step.at,
        note=f"督办升级·{label}：{a.unit.display_name}逾期{step.days_red}天。{words}",
    )
    record(
        actor=step.actor,
        action="escalation.step.taken",
        obj=a,
        changes={
            "level": int(step.level),
            "spell": a.due_date,
            "days_red": step.days_red,
            "document": step.document_id,
            "recipients": sent,
            "note": step.note,
        },
    )


def _words(step: TaskEscalation, a: Assignment) -> str:
    doc = step.document
    return {
        Level.REMIND: "已发红灯提醒",
        Level.URGE: "请承办单位负责人督促落实，尽快办结或说明情况",
        Level.ORDER: f"已起草督办单《{doc.title}》，送{a.org_unit.display_name}领导签发"
        if doc
        else "已发督办单",
        Level.BULLETIN: f"已列入《{doc.title}》{doc.doc_number}" if doc else "已列入督办通报",
        Level.ACCOUNTABILITY: "逾期已久且已通报，建议纪检监察部门研究问责",
    }[step.level]


def _notices(step: TaskEscalation, a: Assignment, today: dt.date, words: str) -> int:
    """Inbox notices of a step (their number). 提醒 is the red reminder, sent once by its own key."""
    level, task = step.level, a.task
    title = f"【{Level(level).label}】{task.title}"
    body = f"{a.unit.display_name}承办，完成时限{a.due_date:%Y-%m-%d}，已逾期{step.days_red}天。{words}"
    link = (step.document.get_absolute_url() if level == Level.ORDER and step.document_id else "") or (
        a.get_absolute_url()
    )
    if level == Level.REMIND:
        reason = lights.for_object(a, today).reason
        return _red_reminder(a, f"{a.unit.display_name}承办，完成时限{a.due_date:%Y-%m-%d}。{reason}")
    signers = unit_people(a.unit, "tasks.sign_assignment")
    people = {u.pk: u for u in [*signers, a.assigned_by]}
    if level == Level.ACCOUNTABILITY:
        discipline = users_with_perm_at(a.org_unit, "escalation.view_taskescalation").filter(
            role_assignments__role__code=DISCIPLINE_ROLE
        )
        people.update({u.pk: u for u in discipline})
    kind = Message.Kind.URGE if level == Level.URGE else Message.Kind.RED
    key = f"ladder:{a.pk}:{a.due_date}:{level}"
    return len(
        notify(recipients=people.values(), kind=kind, title=title, body=body, link=link, dedupe_key=key)
    )


def _red_reminder(a: Assignment, body: str) -> int:
    """The red reminder of tasks/reminders.py under its key: sent now only if it was not yet."""
    key = f"red:{a.pk}:{a.due_date}"
    if ReminderLog.objects.filter(key=key).exists():
        return 0
    people = unit_people(a.unit, "reporting.add_progressreport")
    people += [u for u in unit_people(a.org_unit, "tasks.verify_assignment") if u not in people]
    sent = send_once(
        key=key,
        recipients=people,
        kind=Message.Kind.RED,
        title=f"已逾期（红灯）：{a.task.title}",
        body=body,
        link=a.task.get_absolute_url(),
        after=lambda n: None,
    )
    return len(people) if sent else 0


# --- the daily scan and the 通报 ------------------------------------------------------------------


def ladder_scan(*, today: dt.date | None = None) -> dict:
    """The periodic ladder: each red assignment climbs to the steps its days red call for, in order,
    each once per spell; returns the steps taken by level. Idempotent: a second run takes nothing."""
    today = today or clock.today()
    p = _params()
    counts = {int(level): 0 for level in Level}
    reds = Assignment.objects.filter(lights.light_q(Light.RED, today))
    taken: dict[int, dict[int, dt.datetime]] = {}
    for a_id, level, at in TaskEscalation.objects.filter(
        assignment__in=reds.values("pk"), spell=F("assignment__due_date")
    ).values_list("assignment_id", "level", "at"):
        taken.setdefault(a_id, {})[level] = at
    listed = _bulletins_listing(reds)
    for a in reds.only("pk", "due_date").order_by("due_date", "pk"):
        have = taken.get(a.pk, {})
        bulletin = _bulletin_after(listed.get(a.pk, []), have.get(Level.ORDER))
        for level in _due_levels(days_red(a, today), have, bulletin, p):
            try:
                step = take_step(
                    assignment=a,
                    level=level,
                    today=today,
                    document=bulletin if level == Level.BULLETIN else None,
                    note="系统每日督办扫描",
                )
            except ValidationError as exc:  # e.g. no leader to sign the 督办单: tried again tomorrow
                logger.warning("ladder: assignment %s, step %s not taken: %s", a.pk, level, exc.messages)
                step = None
            if step is None:
                break
            counts[level] += 1
            have[level] = step.at
    return counts


def _due_levels(days: int, have: dict, bulletin: IssuedDocument | None, p: Params) -> list[int]:
    """The steps not yet taken that `days` red and `bulletin` (an issued 督办通报 listing it after
    the spell's 督办单) call for, in order."""
    wanted = set(range(Level.REMIND, due_by_days(days, p) + 1))
    if bulletin is not None:
        wanted.add(Level.BULLETIN)
    if (Level.BULLETIN in have or Level.BULLETIN in wanted) and days >= p.accountability_days:
        wanted.add(Level.ACCOUNTABILITY)
    return sorted(level for level in wanted if level not in have)


def _bulletin_after(bulletins: list[IssuedDocument], order_at: dt.datetime | None) -> IssuedDocument | None:
    """The first issued 督办通报 listing the assignment since its 督办单 step (None: none yet)."""
    if order_at is None:
        return None
    return next((b for b in bulletins if b.issued_at and b.issued_at >= order_at), None)


def _bulletins_listing(reds) -> dict[int, list[IssuedDocument]]:
    """{assignment id: the issued 督办通报 listing it, oldest first} for the red assignments."""
    through = IssuedDocument.assignments.through
    rows = (
        through.objects.filter(
            assignment__in=reds.values("pk"),
            issueddocument__kind=DocumentKind.TASK_BULLETIN,
            issueddocument__status=IssuedDocument.Status.ISSUED,
        )
        .select_related("issueddocument")
        .order_by("issueddocument__issued_at", "issueddocument_id")
    )
    out: dict[int, list[IssuedDocument]] = {}
    for row in rows:
        out.setdefault(row.assignment_id, []).append(row.issueddocument)
    return out


def bulletin_issued(document: IssuedDocument, today: dt.date | None = None) -> int:
    """A 督办通报 was issued (documents.signals.document_issued): each red assignment it lists at
    督办单 in its spell is 列入通报 now (and 建议问责 when red long enough); the number of steps."""
    today = today or clock.today()
    p = _params()
    steps = 0
    for a in document.assignments.filter(lights.light_q(Light.RED, today)).order_by("pk"):
        step = take_step(assignment=a, level=Level.BULLETIN, today=today, document=document)
        if step is None:
            continue
        steps += 1
        if days_red(a, today) >= p.accountability_days:
            steps += take_step(assignment=a, level=Level.ACCOUNTABILITY, today=today) is not None
    return steps


def order_issued(document: IssuedDocument) -> int:
    """A 督办单 of the ladder was signed and issued: it goes to the unit (an inbox notice to its
    signers) and onto the task's timeline; the number of assignments told."""
    told = 0
    for a in document.assignments.select_related("task", "unit").order_by("pk"):
        TaskEvent.objects.create(
            task=a.task,
            assignment=a,
            kind=EventKind.ORDERED,
            actor=document.issued_by,
            at=clock.now(),
            note=f"督办单已签发：{document.doc_number}《{document.title}》，签发人{document.issued_by.full_name}",
        )
        notify(
            recipients=unit_people(a.unit, "tasks.sign_assignment"),
            kind=Message.Kind.RED,
            title=f"【督办单已签发】{document.doc_number} {a.task.title}",
            body=f"{a.unit.display_name}承办，完成时限{a.due_date:%Y-%m-%d}，已逾期。请按督办单要求限期办结并报告。",
            link=document.get_absolute_url(),
            dedupe_key=f"ladder-order:{document.pk}:{a.pk}",
        )
        told += 1
    return told
