"""Writes of official documents (R-DOC-1..3, R-SUP-4): draft from the ledger, edit, 送签 to a
leader, who returns it with comments or signs it (签发: number, render, store with SM3, freeze).
An issued document is never re-rendered: its stored bytes are served after their digest is
verified. The drafter never signs their own document (check_sign)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import record
from core import clock, crypto, gbt9704, scoping
from core.models import next_in_sequence
from core.services import require
from documents import builders
from documents.builders import Draft
from documents.models import (
    LETTER_FORMAT_KINDS,
    UPWARD_KINDS,
    DocumentEvent,
    DocumentKind,
    IssuedDocument,
)
from documents.signals import document_issued
from documents.transitions import DOCUMENT
from notifications.models import Message
from notifications.services import notify
from org.choices import UnitKind
from org.models import Unit, User
from rectification.choices import ProblemEventKind, ProblemStatus
from rectification.lights import is_overdue
from rectification.models import ProblemEvent
from tasks import lights
from tasks.choices import Light
from tasks.models import Assignment

ISSUE = "documents.issue_issueddocument"
CHANGE = "documents.change_issueddocument"

HEADING_PATTERNS = [
    ("h1", re.compile(r"^[一二三四五六七八九十]+、")),
    ("h2", re.compile(r"^（[一二三四五六七八九十]+）")),
    ("h3", re.compile(r"^\d+[.．]")),
    ("h4", re.compile(r"^（\d+）")),
]
TABLE_MARK = re.compile(r"^【表(\d+)】$")


def body_to_text(body: list) -> str:
    """The editable text of a body: one block per line; tables stay as 【表N】 placeholders."""
    lines, n = [], 0
    for kind, content in body:
        if kind == "table":
            n += 1
            lines.append(f"【表{n}】")
        else:
            lines.append(content)
    return "\n".join(lines)


def text_to_body(text: str, old_body: list) -> list:
    tables = [content for kind, content in old_body if kind == "table"]
    body = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        m = TABLE_MARK.match(line)
        if m:
            idx = int(m.group(1)) - 1
            if not 0 <= idx < len(tables):
                raise ValidationError({"body": f"正文中的“{line}”不存在"})
            body.append(["table", tables[idx]])
            continue
        kind = next((k for k, pat in HEADING_PATTERNS if pat.match(line)), "p")
        body.append([kind, line])
    if not body:
        raise ValidationError({"body": "正文不能为空"})
    return body


def issuer_code(unit: Unit) -> str:
    return unit.issuer_code or (unit.short_name or unit.name)[:2] + "督"


@transaction.atomic
def document_draft(
    *,
    actor: User,
    kind: str,
    org_unit: Unit,
    draft: Draft,
    recipient: Unit | None = None,
    campaign=None,
    problems=(),
    assignments=(),
) -> IssuedDocument:
    require(actor, "documents.add_issueddocument", org_unit, "您无权以该单位名义起草公文")
    if recipient is not None and not recipient.is_descendant_of(org_unit):
        raise ValidationError({"recipient": "主送单位须是发文机关的下级单位"})
    problems = list(problems)
    for p in problems:
        if not p.org_unit.is_descendant_of(recipient or org_unit):
            raise ValidationError(f"问题{p.code}不属于{(recipient or org_unit).display_name}")
    if kind == DocumentKind.ASSIGNMENT_LETTER:
        if not problems:
            raise ValidationError({"problems": "请至少选择一个要交办的问题"})
        _check_not_yet_assigned(problems)
    note = f"联系人：{actor.full_name}" + (f"，电话：{actor.phone}" if getattr(actor, "phone", "") else "")
    doc = IssuedDocument(
        org_unit=org_unit,
        recipient=recipient,
        kind=kind,
        title=draft.title,
        addressee=draft.addressee,
        body=draft.body,
        attachments=draft.attachments,
        cc=draft.cc,
        params=draft.params,
        data_as_of=draft.data_as_of,
        campaign=campaign,
        year=clock.today().year,
        created_by=actor,
        note=note,
    )
    doc.full_clean()
    doc.save()
    if problems:
        doc.problems.set(problems)
    if assignments:
        doc.assignments.set(assignments)
    _event(doc, DocumentEvent.Kind.DRAFTED, actor)
    record(
        actor=actor,
        action="documents.document.drafted",
        obj=doc,
        changes={"kind": kind, "title": draft.title, "data_as_of": draft.data_as_of},
    )
    return doc


def check_order(problem, today) -> None:
    """督办单 is the ladder's step for an overdue problem (红, rectification.lights.is_overdue),
    R-WRN-2; the reason in words when it is not one."""
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError("该问题已销号，无需督办")
    if problem.status == ProblemStatus.RECTIFIED:  # its clock stopped on the report day (rules.md)
        raise ValidationError("整改单位已报告整改完成，待验收，无需督办")
    if not is_overdue(problem, today):
        raise ValidationError("该问题尚未逾期，督办单用于逾期未完成整改的问题")


def order_blocked(problem, today) -> str:
    try:
        check_order(problem, today)
    except ValidationError as exc:
        return "；".join(exc.messages)
    return ""


def _check_not_yet_assigned(problems, exclude=None) -> None:
    """A problem is assigned by one issued 交办函 only."""
    taken = (
        IssuedDocument.problems.through.objects.filter(
            problem__in=[p.pk for p in problems],
            issueddocument__kind=DocumentKind.ASSIGNMENT_LETTER,
            issueddocument__status=IssuedDocument.Status.ISSUED,
        )
        .exclude(issueddocument=exclude)
        .select_related("problem", "issueddocument")
        .order_by("problem__code")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            f"问题{taken.problem.code}已由{taken.issueddocument.doc_number}交办，不能重复交办"
        )


@transaction.atomic
def document_update(
    *,
    actor: User,
    document: IssuedDocument,
    title: str,
    addressee: str,
    body_text: str,
    note: str = "",
    cc_text: str = "",
    version: int | None = None,
) -> IssuedDocument:
    """The text is editable before issue (R-DOC-3); an issued document is frozen."""
    require(actor, "documents.change_issueddocument", document.org_unit, "您无权修改该公文")
    doc = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    DOCUMENT.check("update", doc.status)
    if version is not None and doc.version != version:
        raise ValidationError("该公文已被他人修改，请刷新页面后重试")
    if not title.strip():
        raise ValidationError({"title": "请填写标题"})
    before = {"title": doc.title, "body": body_to_text(doc.body)}
    doc.title, doc.addressee, doc.note = title.strip(), addressee.strip(), note.strip()
    doc.body = text_to_body(body_text, doc.body)
    doc.cc = [c.strip() for c in re.split(r"[，,、\n]", cc_text) if c.strip()]
    doc.version += 1
    doc.full_clean()
    doc.save()
    record(
        actor=actor,
        action="documents.document.updated",
        obj=doc,
        changes={
            "title": {"before": before["title"], "after": doc.title},
            "body": {"before": before["body"][:2000], "after": body_to_text(doc.body)[:2000]},
        },
    )
    return doc


def to_spec(doc: IssuedDocument) -> gbt9704.OfficialDocument:
    blocks = []
    for kind, content in doc.body:
        blocks.append(gbt9704.table(content) if kind == "table" else gbt9704.Block(kind, content))
    letter = doc.kind in LETTER_FORMAT_KINDS
    issuer = doc.org_unit
    return gbt9704.OfficialDocument(
        issuer_mark=issuer.name if letter else f"{issuer.name}文件",
        doc_number=doc.doc_number or f"{issuer_code(issuer)}〔{doc.year}〕  号",
        title=doc.title,
        addressee=doc.addressee,
        body=blocks,
        signature=issuer.name,
        date=doc.issued_on or clock.today(),
        letter=letter,
        attachments=list(doc.attachments),
        note=doc.note,
        cc=list(doc.cc),
        printer=f"{issuer.name}办公室" if not letter else "",
        print_date=doc.issued_on,
        data_as_of=timezone.localtime(doc.data_as_of) if doc.data_as_of else None,
        signer=_signer_name(doc) if doc.kind in UPWARD_KINDS else "",
    )


def _signer_name(doc: IssuedDocument) -> str:
    """签发人 in the 版头 of an 上行文: the leader who signed (a draft's preview: the one asked to)."""
    who = doc.issued_by if doc.issued_by_id else doc.signer
    return who.full_name if who is not None else "（待签发）"


def _storage() -> Path:
    root = Path(settings.MEDIA_ROOT) / "documents"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _event(doc: IssuedDocument, kind: str, actor: User | None, note: str = "") -> DocumentEvent:
    return DocumentEvent.objects.create(document=doc, kind=kind, actor=actor, at=clock.now(), note=note)


def eligible_signers(org_unit: Unit, exclude=()):
    """Leaders who may sign for the issuer: holding the 签发 right through a role given at the
    issuer itself (a higher organ's leader signs for the higher organ, not for this one); for an
    issuer that is a 处室 (no leader of its own), the 委's leaders holding the right over it."""
    holders = User.objects.filter(scoping.holders_q(org_unit, ISSUE), is_active=True)
    own = User.objects.filter(scoping.holders_q(org_unit, ISSUE) & Q(role_assignments__unit=org_unit))
    users = holders if org_unit.kind == UnitKind.DEPARTMENT else own.filter(is_active=True)
    return users.exclude(pk__in=[u for u in exclude if u]).distinct().order_by("id")


def check_submit(actor: User, doc: IssuedDocument, action: str = "submit") -> None:
    """送签 / 撤回: the issuer's drafting side, from the state the table allows."""
    require(actor, CHANGE, doc.org_unit, "您无权送签该公文")
    DOCUMENT.check(action, doc.status)


def check_sign(actor: User, doc: IssuedDocument, action: str = "issue") -> None:
    """签发 / 退回: a leader of the issuer with the 签发 right, never the drafter, and the named
    signer when the drafter named one; from the state the table allows."""
    require(actor, ISSUE, doc.org_unit, "您无权签发该公文")
    if doc.created_by_id is not None and doc.created_by_id == actor.pk:
        raise PermissionDenied("起草人不能签发自己起草的公文，请送其他领导签发")
    DOCUMENT.check(action, doc.status)
    if doc.signer_id is not None and doc.signer_id != actor.pk:
        raise PermissionDenied(f"该公文已送{doc.signer.full_name}签发，其他领导不能办理")
    if doc.signer_id is None and not eligible_signers(doc.org_unit).filter(pk=actor.pk).exists():
        raise PermissionDenied("只有发文机关的领导可以签发该公文")


def may(check, actor: User, doc: IssuedDocument, *args) -> bool:
    """Whether a check passes (the detail page shows a button only then)."""
    try:
        check(actor, doc, *args)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _notify_signers(doc: IssuedDocument, recipients) -> None:
    notify(
        recipients=recipients,
        kind=Message.Kind.SIGNOFF,
        title=f"请签发：{doc.get_kind_display()}《{doc.title}》",
        body=f"起草人：{doc.drafter_name}；发文机关：{doc.org_unit.display_name}",
        link=doc.get_absolute_url(),
    )


def submit_for_signoff(doc: IssuedDocument, *, actor: User | None, signer: User | None) -> None:
    """送签 (the part shared by a person and the system): state, event, notice, audit. `doc` is
    locked by the caller."""
    leaders = eligible_signers(doc.org_unit, exclude=(doc.created_by_id, getattr(actor, "pk", None)))
    if signer is not None:
        if not leaders.filter(pk=signer.pk).exists():
            raise ValidationError({"signer": "所选签发人不是发文机关有签发权限的其他领导"})
        recipients = [signer]
    else:
        recipients = list(leaders)
        if not recipients:
            raise ValidationError("发文机关没有可以签发的其他领导，无法送签")
    doc.status = DOCUMENT.target("submit")
    doc.signer, doc.submitted_at = signer, clock.now()
    doc.save(update_fields=["status", "signer", "submitted_at", "updated_at"])
    note = f"送{signer.full_name}签发" if signer else "送本机关领导签发"
    _event(doc, DocumentEvent.Kind.SUBMITTED, actor, note)
    _notify_signers(doc, recipients)
    record(
        actor=actor,
        action="documents.document.submitted",
        obj=doc,
        changes={"signer": signer.full_name if signer else "本机关任一领导"},
    )


@transaction.atomic
def document_submit(
    *, actor: User, document: IssuedDocument, signer: User | None = None, version: int | None = None
) -> IssuedDocument:
    """送签: the draft goes to a leader (or to any leader of the issuer); its text is then locked
    until it is signed, returned or withdrawn."""
    doc = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    check_submit(actor, doc)
    if version is not None and doc.version != version:
        raise ValidationError("该公文已被他人修改，请刷新页面后重试")
    if signer is not None and signer.pk == actor.pk:
        raise ValidationError({"signer": "不能送自己签发"})
    submit_for_signoff(doc, actor=actor, signer=signer)
    return doc


@transaction.atomic
def document_withdraw(*, actor: User, document: IssuedDocument) -> IssuedDocument:
    """撤回: the drafting side takes a document waiting for 签发 back to edit it."""
    doc = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    check_submit(actor, doc, "withdraw")
    doc.status, doc.signer = DOCUMENT.target("withdraw"), None
    doc.save(update_fields=["status", "signer", "updated_at"])
    _event(doc, DocumentEvent.Kind.WITHDRAWN, actor)
    record(actor=actor, action="documents.document.withdrawn", obj=doc)
    return doc


@transaction.atomic
def document_return(*, actor: User, document: IssuedDocument, comment: str) -> IssuedDocument:
    """退回: the leader sends the draft back with comments (kept in the history); the drafter is told."""
    doc = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    check_sign(actor, doc, "return")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回意见"})
    doc.status, doc.signer = DOCUMENT.target("return"), None
    doc.save(update_fields=["status", "signer", "updated_at"])
    _event(doc, DocumentEvent.Kind.RETURNED, actor, comment)
    if doc.created_by_id:
        notify(
            recipients=[doc.created_by],
            kind=Message.Kind.SIGNOFF,
            title=f"公文被退回：《{doc.title}》",
            body=f"{actor.full_name}退回意见：{comment}",
            link=doc.get_absolute_url(),
        )
    record(actor=actor, action="documents.document.returned", obj=doc, changes={"comment": comment})
    return doc


@transaction.atomic
def document_issue(*, actor: User, document: IssuedDocument, password: str) -> IssuedDocument:
    """签发: re-authenticate, take the next number of the issuer's year (no gaps: the counter moves
    in this transaction), render, store with its SM3 digest, freeze; then document_issued."""
    require(actor, ISSUE, document.org_unit, "您无权签发该公文")
    if not actor.check_password(password):
        raise PermissionDenied("密码不正确，签发前须再次验证身份")
    doc = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    check_sign(actor, doc)
    if doc.kind == DocumentKind.ASSIGNMENT_LETTER:
        _check_not_yet_assigned(list(doc.problems.all()), exclude=doc)
    year = clock.today().year
    doc.year = year
    doc.number = next_in_sequence(f"document:{doc.org_unit_id}", year)
    doc.doc_number = f"{issuer_code(doc.org_unit)}〔{year}〕{doc.number}号"
    doc.issued_on = clock.today()
    doc.issued_at = clock.now()
    doc.issued_by = actor
    data = gbt9704.render(to_spec(doc))
    name = f"{year}/{uuid.uuid4().hex}.docx"
    path = _storage() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    doc.storage_name, doc.sm3, doc.size = name, crypto.sm3_hex(data), len(data)
    doc.status = DOCUMENT.target("issue")
    doc.save()
    _event(doc, DocumentEvent.Kind.ISSUED, actor, doc.doc_number)
    _problem_events(doc, actor)
    if doc.created_by_id:
        notify(
            recipients=[doc.created_by],
            kind=Message.Kind.SIGNOFF,
            title=f"公文已签发：{doc.doc_number}《{doc.title}》",
            body=f"签发人：{actor.full_name}",
            link=doc.get_absolute_url(),
        )
    record(
        actor=actor,
        action="documents.document.issued",
        obj=doc,
        changes={"doc_number": doc.doc_number, "sm3": doc.sm3, "data_as_of": doc.data_as_of},
    )
    document_issued.send(sender=IssuedDocument, document=doc)
    return doc


def _problem_events(doc: IssuedDocument, actor: User) -> None:
    """An issued 交办函 or 督办单 is an event on each of its problems' timelines."""
    if doc.kind not in (DocumentKind.ASSIGNMENT_LETTER, DocumentKind.SUPERVISION_ORDER):
        return
    kind = (
        ProblemEventKind.LETTER if doc.kind == DocumentKind.ASSIGNMENT_LETTER else ProblemEventKind.ESCALATED
    )
    ProblemEvent.objects.bulk_create(
        ProblemEvent(
            problem=p,
            kind=kind,
            actor=actor,
            at=doc.issued_at,
            note=f"{doc.get_kind_display()}{doc.doc_number}《{doc.title}》",
        )
        for p in doc.problems.all()
    )


# --- 督办单 for a red assignment (the escalation ladder, R-WRN-2) ---------------------------------


def check_task_order(assignment: Assignment, today) -> None:
    """A 督办单 is for a red assignment, once per red spell (the same due date)."""
    if lights.for_object(assignment, today).light != Light.RED:
        raise ValidationError("该交办不是红灯（未逾期或已办结），无需发督办单")
    taken = (
        IssuedDocument.objects.filter(
            kind=DocumentKind.SUPERVISION_ORDER,
            assignments=assignment,
            params__due_date=assignment.due_date.isoformat(),
        )
        .order_by("id")
        .first()
    )
    if taken is not None:
        what = (
            f"已签发{taken.doc_number}" if taken.doc_number else f"已有{taken.get_status_display()}的督办单"
        )
        raise ValidationError(f"该交办本次逾期{what}，不能重复督办")


def task_order_blocked(assignment: Assignment, today) -> str:
    try:
        check_task_order(assignment, today)
    except ValidationError as exc:
        return "；".join(exc.messages)
    return ""


@transaction.atomic
def order_for_assignment(*, assignment: Assignment, today=None, actor: User | None = None) -> IssuedDocument:
    """督办单 for a red assignment, in the name of the assigning unit (assignment.org_unit), to the
    unit's head; drafted by `actor` or, when None, by the system (the ladder), and at once sent
    for 签发 to the issuer's leaders (left a draft when the issuer has no leader account). Refused
    when the assignment is not red or already has a 督办单 for this red spell."""
    today = today or clock.today()
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("task", "unit", "org_unit")
        .get(pk=assignment.pk)
    )
    issuer = assignment.org_unit
    if actor is not None:
        require(actor, "documents.add_issueddocument", issuer, "您无权以该单位名义起草督办单")
    check_task_order(assignment, today)
    draft = builders.task_order(assignment, today)
    doc = IssuedDocument(
        org_unit=issuer,
        recipient=assignment.unit if assignment.unit.is_descendant_of(issuer) else None,
        kind=DocumentKind.SUPERVISION_ORDER,
        title=draft.title,
        addressee=draft.addressee,
        body=draft.body,
        params=draft.params,
        data_as_of=draft.data_as_of,
        year=today.year,
        created_by=actor,
        note=f"联系人：{actor.full_name}" if actor else "",
    )
    doc.full_clean()
    doc.save()
    doc.assignments.set([assignment])
    leaders = eligible_signers(issuer, exclude=(getattr(actor, "pk", None),)).exists()
    note = "" if actor else "红色任务督办升级，系统起草"
    if not leaders:  # an issuer without a leader account: the draft waits for its 督查员 to send it on
        note = "；".join(n for n in (note, "发文机关暂无可签发的领导账号，待送签") if n)
    _event(doc, DocumentEvent.Kind.DRAFTED, actor, note)
    record(
        actor=actor,
        action="documents.document.drafted",
        obj=doc,
        changes={"kind": doc.kind, "title": doc.title, "data_as_of": doc.data_as_of},
    )
    if leaders:
        submit_for_signoff(doc, actor=actor, signer=None)
    return doc


def document_bytes(*, actor: User, document: IssuedDocument) -> bytes:
    """An issued file is served only if its SM3 digest still matches; a draft renders from its text."""
    if document.status == IssuedDocument.Status.ISSUED:
        data = (_storage() / document.storage_name).read_bytes()
        if crypto.sm3_hex(data) != document.sm3:
            raise ValidationError("公文文件完整性校验失败（SM3摘要不符），已拒绝下载")
    else:
        data = gbt9704.render(to_spec(document))
    record(actor=actor, action="documents.document.downloaded", obj=document)
    return data


def download_name(document: IssuedDocument) -> str:
    """示卫督〔2026〕3号 关于….docx; a draft: （草稿）关于….docx."""
    name = f"{document.doc_number} {document.title}" if document.doc_number else f"（草稿）{document.title}"
    return re.sub(r'[\\/:*?"<>|\r\n]', "", name)[:150] + ".docx"
