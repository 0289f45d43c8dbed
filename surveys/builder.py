"""Writes of the questionnaire builder (R-SVY-1): a questionnaire's header, its sections and
questions (add, edit, delete, move), 发布 (a new frozen version, surveys.definition.freeze), 停用
and 恢复. Each checks who may act (here) and the state (surveys.transitions.QUESTIONNAIRE), then in
one transaction writes, bumps the draft's `revision` (a stale form is refused) and records the
audit entry. A refusal is a Chinese ValidationError / PermissionDenied and changes nothing.

Question keys (q1, q2 …) are drawn from a per-questionnaire counter (core.models.Sequence) that
never goes back, so a deleted question's key is never given again and the answers of one round
compare with the next round's by key.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from audit.services import record
from core import clock, scoping
from core.models import Sequence
from core.services import require
from surveys import definition, rules
from surveys.choices import CHOICE_TYPES, QuestionnaireKind, QuestionnaireStatus, QuestionType
from surveys.models import Question, Questionnaire, QuestionnaireVersion, Section
from surveys.transitions import QUESTIONNAIRE

STALE = "问卷已被他人修改，请刷新页面后重试"
MAX_OPTIONS = 20
MAX_ROWS = 20
OPTION_KEYS = "abcdefghijklmnopqrstuvw"  # x is 不清楚 in the templates; any free letter is fine
QUESTION_FIELDS = (
    "type",
    "text",
    "help_text",
    "required",
    "scored",
    "options",
    "rows",
    "show_if_key",
    "show_if_values",
)


# ---------------------------------------------------------------- who may act


def check_edit(user, qn: Questionnaire) -> None:
    if not scoping.unit_in_scope(user, rules.CHANGE_QUESTIONNAIRE, qn.org_unit):
        raise PermissionDenied("只有问卷所属单位的督查员可以修改问卷")
    if qn.status == QuestionnaireStatus.ARCHIVED:
        raise ValidationError("已停用的问卷不能修改，请先恢复")


def check_publish(user, qn: Questionnaire) -> None:
    if not scoping.unit_in_scope(user, rules.PUBLISH, qn.org_unit):
        raise PermissionDenied("只有问卷所属单位的督查员可以发布问卷")
    QUESTIONNAIRE.check("publish", qn.status)


def check_archive(user, qn: Questionnaire, action: str) -> None:
    if not scoping.unit_in_scope(user, rules.CHANGE_QUESTIONNAIRE, qn.org_unit):
        raise PermissionDenied("只有问卷所属单位的督查员可以停用或恢复问卷")
    QUESTIONNAIRE.check(action, qn.status)


def _allowed(check, *args) -> bool:
    try:
        check(*args)
    except (PermissionDenied, ValidationError):
        return False
    return True


def actions_for(user, qn: Questionnaire) -> dict[str, bool]:
    return {
        "edit": _allowed(check_edit, user, qn),
        "publish": _allowed(check_publish, user, qn),
        "archive": _allowed(check_archive, user, qn, "archive"),
        "restore": _allowed(check_archive, user, qn, "restore"),
    }


# ---------------------------------------------------------------- the draft


def _locked(qn: Questionnaire, revision: int | None) -> Questionnaire:
    fresh = Questionnaire.objects.select_for_update().select_related("org_unit").get(pk=qn.pk)
    if revision is not None and fresh.revision != int(revision):
        raise ValidationError(STALE)
    return fresh


def _edited(qn: Questionnaire, actor, what: str, changes: dict) -> Questionnaire:
    qn.revision += 1
    qn.changed_since_publish = True
    qn.save(update_fields=["revision", "changed_since_publish", "updated_at"])
    record(
        actor=actor,
        action="surveys.questionnaire.updated",
        obj=qn,
        unit=qn.org_unit,
        changes={"what": what, **changes},
    )
    return qn


def _begin_edit(actor, qn: Questionnaire, revision) -> Questionnaire:
    fresh = _locked(qn, revision)
    check_edit(actor, fresh)
    return fresh


def ordered_questions(qn: Questionnaire) -> list[Question]:
    return list(
        qn.questions.select_related("section").order_by("section__position", "section_id", "position", "id")
    )


def _sequence_name(qn: Questionnaire) -> str:
    return f"surveys.question_key.{qn.pk}"


def _key_number(key: str) -> int:
    match = re.fullmatch(r"q(\d+)", key or "")
    return int(match.group(1)) if match else 0


def _used_numbers(qn: Questionnaire) -> int:
    used = [_key_number(k) for k in qn.questions.values_list("key", flat=True)]
    for version in qn.versions.all():
        used += [_key_number(q["key"]) for q in definition.questions(version.definition)]
    return max(used, default=0)


def reserve_keys(qn: Questionnaire, upto: int) -> None:
    """Record that keys up to q<upto> are taken (after creating questions directly)."""
    Sequence.objects.get_or_create(name=_sequence_name(qn), year=0)
    seq = Sequence.objects.select_for_update().get(name=_sequence_name(qn), year=0)
    if seq.value < upto:
        seq.value = upto
        seq.save(update_fields=["value"])


def next_key(qn: Questionnaire) -> str:
    """The next question key, never one this questionnaire has given before."""
    Sequence.objects.get_or_create(name=_sequence_name(qn), year=0)
    seq = Sequence.objects.select_for_update().get(name=_sequence_name(qn), year=0)
    seq.value = max(seq.value, _used_numbers(qn)) + 1
    seq.save(update_fields=["value"])
    return f"q{seq.value}"


def _clean_title(value: str, field: str, empty: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: empty})
    if len(value) > limit:
        raise ValidationError({field: f"不能超过{limit}字"})
    return value


@transaction.atomic
def questionnaire_create(
    *,
    actor,
    org_unit,
    title: str,
    kind: str = QuestionnaireKind.OTHER,
    intro: str = "",
    thanks: str = "感谢您的参与！",
    template: str = "",
) -> Questionnaire:
    require(actor, rules.ADD_QUESTIONNAIRE, org_unit, "您不能为该单位新建问卷")
    if kind not in QuestionnaireKind.values:
        raise ValidationError({"kind": "请选择问卷类型"})
    qn = Questionnaire.objects.create(
        title=_clean_title(title, "title", "请填写问卷名称", 120),
        kind=kind,
        intro=(intro or "").strip()[:2000],
        thanks=(thanks or "").strip()[:200] or "感谢您的参与！",
        org_unit=org_unit,
        status=QUESTIONNAIRE.target("create"),
        created_by=actor,
    )
    record(
        actor=actor,
        action="surveys.questionnaire.created",
        obj=qn,
        unit=org_unit,
        changes={"title": qn.title, "kind": qn.get_kind_display(), "template": template},
    )
    return qn


@transaction.atomic
def questionnaire_update(
    *,
    actor,
    questionnaire: Questionnaire,
    revision: int | None,
    title: str,
    kind: str,
    intro: str,
    thanks: str,
) -> Questionnaire:
    qn = _begin_edit(actor, questionnaire, revision)
    if kind not in QuestionnaireKind.values:
        raise ValidationError({"kind": "请选择问卷类型"})
    new = {
        "title": _clean_title(title, "title", "请填写问卷名称", 120),
        "kind": kind,
        "intro": (intro or "").strip(),
        "thanks": (thanks or "").strip() or "感谢您的参与！",
    }
    if len(new["intro"]) > 2000:
        raise ValidationError({"intro": "卷首语不能超过2000字"})
    if len(new["thanks"]) > 200:
        raise ValidationError({"thanks": "结束语不能超过200字"})
    changes = {k: {"before": getattr(qn, k), "after": v} for k, v in new.items() if getattr(qn, k) != v}
    for k, v in new.items():
        setattr(qn, k, v)
    qn.save(update_fields=[*new, "updated_at"])
    return _edited(qn, actor, "修改问卷信息", changes)


# ---------------------------------------------------------------- sections


def _renumber(items) -> None:
    for i, item in enumerate(items):
        if item.position != i:
            item.position = i
            item.save(update_fields=["position"])


def _swap(items: list, item, direction: str) -> bool:
    ids = [i.pk for i in items]
    at = ids.index(item.pk)
    other = at - 1 if direction == "up" else at + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[at], items[other] = items[other], items[at]
    _renumber(items)
    return True


@transaction.atomic
def section_add(
    *, actor, questionnaire: Questionnaire, revision: int | None, title: str, description: str = ""
):
    qn = _begin_edit(actor, questionnaire, revision)
    top = qn.sections.aggregate(m=Max("position"))["m"]
    description = (description or "").strip()
    if len(description) > 300:
        raise ValidationError({"description": "说明不能超过300字"})
    section = Section.objects.create(
        questionnaire=qn,
        position=0 if top is None else top + 1,
        title=_clean_title(title, "title", "请填写分节标题", 120),
        description=description,
    )
    _edited(qn, actor, "新增分节", {"section": section.title})
    return section


@transaction.atomic
def section_update(*, actor, section: Section, revision: int | None, title: str, description: str = ""):
    qn = _begin_edit(actor, section.questionnaire, revision)
    section = Section.objects.get(pk=section.pk, questionnaire=qn)
    before = section.title
    section.title = _clean_title(title, "title", "请填写分节标题", 120)
    description = (description or "").strip()
    if len(description) > 300:
        raise ValidationError({"description": "说明不能超过300字"})
    section.description = description
    section.save(update_fields=["title", "description"])
    _edited(qn, actor, "修改分节", {"section": {"before": before, "after": section.title}})
    return section


def _refuse_if_referenced(qn: Questionnaire, keys: set[str]) -> None:
    for q in ordered_questions(qn):
        if q.key not in keys and q.show_if_key in keys:
            raise ValidationError(f"{q.key}“{q.text[:20]}”的显示条件引用了要删除的题目，请先修改该条件")


@transaction.atomic
def section_delete(*, actor, section: Section, revision: int | None) -> None:
    qn = _begin_edit(actor, section.questionnaire, revision)
    section = Section.objects.get(pk=section.pk, questionnaire=qn)
    keys = set(section.questions.values_list("key", flat=True))
    _refuse_if_referenced(qn, keys)
    title = section.title
    section.delete()
    _renumber(list(qn.sections.order_by("position", "id")))
    _edited(qn, actor, "删除分节", {"section": title, "questions": sorted(keys)})


@transaction.atomic
def section_move(*, actor, section: Section, revision: int | None, direction: str) -> Section:
    qn = _begin_edit(actor, section.questionnaire, revision)
    sections = list(qn.sections.order_by("position", "id"))
    if not _swap(sections, section, direction):
        raise ValidationError("该分节已在最前或最后")
    _edited(qn, actor, "调整分节顺序", {"section": section.title, "direction": direction})
    return section


# ---------------------------------------------------------------- options, rows, rules


def options_to_text(options) -> str:
    """The options editor's text: one "label|score" a line (no score: just the label)."""
    return "\n".join(o["label"] if o.get("score") is None else f"{o['label']}|{o['score']}" for o in options)


def _free_key(taken: set[str], alphabet: str) -> str:
    for c in alphabet:
        if c not in taken:
            taken.add(c)
            return c
    raise ValidationError({"options": "选项过多"})


def options_from_text(text: str, existing=()) -> list[dict]:
    """Parse "非常满意|100" lines; an option keeps the key of the existing option of that label
    (so a skip rule and last round's answers still point at it); a new one takes a free key."""
    by_label = {o["label"]: o["key"] for o in existing}
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_OPTIONS:
        raise ValidationError({"options": f"选项不能超过{MAX_OPTIONS}个"})
    parsed = []
    for no, line in enumerate(lines, 1):
        label, _, score = (part.strip() for part in line.replace("｜", "|").partition("|"))
        if not label or len(label) > 60:
            raise ValidationError({"options": f"第{no}行：选项文字须为1–60字"})
        if score and not (score.isdigit() and 0 <= int(score) <= 100):
            raise ValidationError({"options": f"第{no}行：分值须为0–100的整数"})
        parsed.append((label, int(score) if score else None))
    labels = [label for label, _ in parsed]
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": "选项文字重复"})
    taken = {by_label[label] for label in labels if label in by_label}
    return [
        {"key": by_label.get(label) or _free_key(taken, OPTION_KEYS + "xyz"), "label": label, "score": score}
        for label, score in parsed
    ]


def rows_to_text(rows) -> str:
    return "\n".join(r["label"] for r in rows)


def rows_from_text(text: str, existing=()) -> list[dict]:
    by_label = {r["label"]: r["key"] for r in existing}
    labels = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(labels) > MAX_ROWS:
        raise ValidationError({"rows": f"矩阵行不能超过{MAX_ROWS}行"})
    if len(set(labels)) != len(labels):
        raise ValidationError({"rows": "矩阵行重复"})
    if any(len(label) > 60 for label in labels):
        raise ValidationError({"rows": "每行不能超过60字"})
    taken = {by_label[label] for label in labels if label in by_label}
    out = []
    for label in labels:
        key = by_label.get(label)
        if key is None:
            key = next(f"r{n}" for n in range(1, 100) if f"r{n}" not in taken)
            taken.add(key)
        out.append({"key": key, "label": label})
    return out


def question_problems(q, earlier: list) -> list[str]:
    """What keeps question `q` (a Question or its fields) from being published; `earlier` are the
    questions before it, in order."""
    get = q.get if isinstance(q, dict) else lambda name, d=None: getattr(q, name, d)
    qtype, out = get("type"), []
    options = get("options") or []
    if qtype in CHOICE_TYPES:
        if len(options) < 2:
            out.append("选择题至少要有两个选项")
        keys = [o.get("key") for o in options]
        if len(set(keys)) != len(keys):
            out.append("选项标识重复")
    if qtype == QuestionType.MATRIX and not get("rows"):
        out.append("矩阵题至少要有一行")
    rule_key = get("show_if_key")
    if rule_key:
        before = {e.key: e for e in earlier}
        ref = before.get(rule_key)
        if ref is None:
            out.append(f"显示条件须引用前面的题目（{rule_key}不在本题之前）")
        elif ref.type not in CHOICE_TYPES:
            out.append("显示条件须引用前面的选择题")
        else:
            values = list(get("show_if_values") or [])
            known = {o["key"] for o in ref.options}
            if not values or set(values) - known:
                out.append(f"显示条件的选项须是{rule_key}的选项")
    return out


def publish_problems(qn: Questionnaire) -> list[str]:
    """Every reason the draft cannot be published, in Chinese (empty: it can)."""
    questions = ordered_questions(qn)
    if not questions:
        return ["问卷至少要有一道题"]
    out = []
    with_questions = {q.section_id for q in questions}
    for section in qn.sections.order_by("position", "id"):
        if section.pk not in with_questions:
            out.append(f"分节“{section.title}”还没有题目")
    for no, q in enumerate(questions, 1):
        out += [f"第{no}题（{q.key}）：{p}" for p in question_problems(q, questions[: no - 1])]
    return out


# ---------------------------------------------------------------- questions


def _question_fields(data: dict, qn: Questionnaire, current: Question | None) -> dict:
    """Clean the editable fields of a question; a ValidationError names the field."""
    qtype = data.get("type", current.type if current else "")
    if qtype not in QuestionType.values:
        raise ValidationError({"type": "请选择题型"})
    fields = {
        "type": qtype,
        "text": _clean_title(data.get("text", ""), "text", "请填写题目", 300),
        "help_text": (data.get("help_text") or "").strip(),
        "required": bool(data.get("required", True)),
        "scored": bool(data.get("scored", True)),
        "options": list(data.get("options") or []) if qtype in CHOICE_TYPES else [],
        "rows": list(data.get("rows") or []) if qtype == QuestionType.MATRIX else [],
        "show_if_key": (data.get("show_if_key") or "").strip(),
        "show_if_values": [v for v in (data.get("show_if_values") or []) if v],
    }
    if len(fields["help_text"]) > 200:
        raise ValidationError({"help_text": "提示不能超过200字"})
    if not fields["show_if_key"]:
        fields["show_if_values"] = []
    return fields


def _check_question(qn, fields: dict, section: Section, current: Question | None, skip=None) -> None:
    """`current`: the question edited in place (its earlier questions stay); None: the question
    goes to the end of `section`."""
    questions = [q for q in ordered_questions(qn) if skip is None or q.pk != skip]
    if current is not None:
        earlier = questions[: [q.pk for q in questions].index(current.pk)]
    else:
        earlier = [
            q for q in questions if (q.section.position, q.section_id) <= (section.position, section.pk)
        ]
    problems = question_problems(fields, earlier)
    if problems:
        field = "show_if_key" if "显示条件" in problems[0] else "rows" if "矩阵" in problems[0] else "options"
        raise ValidationError({field: problems[0]})


@transaction.atomic
def question_add(*, actor, section: Section, revision: int | None, **data) -> Question:
    """Add a question at the end of `section` (fields: type, text, help_text, required, scored,
    options, rows, show_if_key, show_if_values)."""
    qn = _begin_edit(actor, section.questionnaire, revision)
    section = Section.objects.get(pk=section.pk, questionnaire=qn)
    fields = _question_fields(data, qn, None)
    _check_question(qn, fields, section, None)
    top = section.questions.aggregate(m=Max("position"))["m"]
    question = Question.objects.create(
        questionnaire=qn, section=section, position=0 if top is None else top + 1, key=next_key(qn), **fields
    )
    _edited(qn, actor, "新增题目", {"question": question.key, "text": question.text})
    return question


@transaction.atomic
def question_update(
    *, actor, question: Question, revision: int | None, section: Section | None = None, **data
):
    """Edit a question; `section` moves it to the end of another section of the questionnaire."""
    qn = _begin_edit(actor, question.questionnaire, revision)
    question = Question.objects.select_related("section").get(pk=question.pk, questionnaire=qn)
    target = question.section
    if section is not None and section.pk != question.section_id:
        target = Section.objects.get(pk=section.pk, questionnaire=qn)
    fields = _question_fields({**{f: getattr(question, f) for f in QUESTION_FIELDS}, **data}, qn, question)
    moving, old_section = target.pk != question.section_id, question.section_id
    _check_question(qn, fields, target, None if moving else question, skip=question.pk if moving else None)
    changes = {
        f: {"before": getattr(question, f), "after": v}
        for f, v in fields.items()
        if getattr(question, f) != v
    }
    for f, v in fields.items():
        setattr(question, f, v)
    if moving:
        top = target.questions.aggregate(m=Max("position"))["m"]
        question.section, question.position = target, 0 if top is None else top + 1
        changes["section"] = target.title
    question.save()
    if moving:
        _renumber(list(Question.objects.filter(section_id=old_section).order_by("position", "id")))
    _edited(qn, actor, "修改题目", {"question": question.key, **changes})
    return question


@transaction.atomic
def question_delete(*, actor, question: Question, revision: int | None) -> None:
    qn = _begin_edit(actor, question.questionnaire, revision)
    question = Question.objects.get(pk=question.pk, questionnaire=qn)
    _refuse_if_referenced(qn, {question.key})
    key, text, section_id = question.key, question.text, question.section_id
    question.delete()
    _renumber(list(Question.objects.filter(section_id=section_id).order_by("position", "id")))
    _edited(qn, actor, "删除题目", {"question": key, "text": text})


@transaction.atomic
def question_move(*, actor, question: Question, revision: int | None, direction: str) -> Question:
    """Move a question up or down within its section."""
    qn = _begin_edit(actor, question.questionnaire, revision)
    question = Question.objects.get(pk=question.pk, questionnaire=qn)
    siblings = list(Question.objects.filter(section_id=question.section_id).order_by("position", "id"))
    if not _swap(siblings, question, direction):
        raise ValidationError("该题已在本节最前或最后")
    _edited(qn, actor, "调整题目顺序", {"question": question.key, "direction": direction})
    return question


# ---------------------------------------------------------------- publish, archive, restore


def latest_version(qn: Questionnaire) -> QuestionnaireVersion | None:
    return qn.versions.order_by("-number").first()


@transaction.atomic
def questionnaire_publish(
    *, actor, questionnaire: Questionnaire, revision: int | None = None
) -> QuestionnaireVersion:
    """发布: freeze the draft as the next version — only when it changed since the last publish
    (else the latest version is returned and nothing is written)."""
    qn = _locked(questionnaire, revision)
    check_publish(actor, qn)
    problems = publish_problems(qn)
    if problems:
        raise ValidationError(problems)
    latest = latest_version(qn)
    if latest is not None and not qn.changed_since_publish:
        return latest
    version = QuestionnaireVersion.objects.create(
        questionnaire=qn,
        number=latest.number + 1 if latest else 1,
        definition=definition.freeze(qn),
        published_at=clock.now(),
        published_by=actor,
    )
    qn.status = QUESTIONNAIRE.target("publish")
    qn.changed_since_publish = False
    qn.revision += 1
    qn.save(update_fields=["status", "changed_since_publish", "revision", "updated_at"])
    record(
        actor=actor,
        action="surveys.questionnaire.published",
        obj=qn,
        unit=qn.org_unit,
        changes={"version": version.number, "questions": len(definition.questions(version.definition))},
    )
    return version


def _archive_or_restore(actor, questionnaire, revision, action: str) -> Questionnaire:
    qn = _locked(questionnaire, revision)
    check_archive(actor, qn, action)
    before = qn.status
    qn.status = QUESTIONNAIRE.target(action)
    qn.revision += 1
    qn.save(update_fields=["status", "revision", "updated_at"])
    record(
        actor=actor,
        action=f"surveys.questionnaire.{'archived' if action == 'archive' else 'restored'}",
        obj=qn,
        unit=qn.org_unit,
        changes={"status": {"before": before, "after": qn.status}},
    )
    return qn


@transaction.atomic
def questionnaire_archive(
    *, actor, questionnaire: Questionnaire, revision: int | None = None
) -> Questionnaire:
    """停用: no new round may use it; running rounds keep their version."""
    return _archive_or_restore(actor, questionnaire, revision, "archive")


@transaction.atomic
def questionnaire_restore(
    *, actor, questionnaire: Questionnaire, revision: int | None = None
) -> Questionnaire:
    return _archive_or_restore(actor, questionnaire, revision, "restore")
