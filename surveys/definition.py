"""A questionnaire version's frozen content, and the one reading of an answer sheet against it.

    {"title", "kind", "intro", "thanks",
     "sections": [{"title", "description",
                   "questions": [{"key", "type", "text", "help", "required", "scored",
                                  "options": [{"key", "label", "score"}],   # score: 0–100 or None
                                  "rows": [{"key", "label"}],
                                  "show_if": {"key": "q3", "values": ["a"]} | None}]}]}

`freeze(questionnaire)` makes it from the draft; `read(definition, answers)` checks a submitted
sheet (a dict: question key → option key | [option keys] | rating | {row key: rating} | text),
drops what a skip rule hides, and returns the answer rows with their points — or raises a
ValidationError whose dict names each wrong question in Chinese. The builder, the public pages,
the results and the demo all use these two; nothing else reads a definition's rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from surveys.choices import CHOICE_TYPES, RATING_MAX, TEXT_TYPES, QuestionType

TEXT_LIMITS = {QuestionType.SHORT: 200, QuestionType.LONG: 2000}


@dataclass(frozen=True)
class Row:
    """One answer row: what surveys.models.Answer stores."""

    question: str
    row: str = ""
    choice: str = ""
    value: int | None = None
    text: str = ""
    points: int | None = None
    scale: int | None = None


def freeze(questionnaire) -> dict:
    """The draft of `questionnaire` as a definition (sections and questions in their order)."""
    sections = []
    questions = list(questionnaire.questions.order_by("section__position", "section_id", "position", "id"))
    for section in questionnaire.sections.order_by("position", "id"):
        sections.append(
            {
                "title": section.title,
                "description": section.description,
                "questions": [_question(q) for q in questions if q.section_id == section.pk],
            }
        )
    return {
        "title": questionnaire.title,
        "kind": questionnaire.kind,
        "intro": questionnaire.intro,
        "thanks": questionnaire.thanks,
        "sections": sections,
    }


def _question(q) -> dict:
    show_if = {"key": q.show_if_key, "values": list(q.show_if_values)} if q.show_if_key else None
    return {
        "key": q.key,
        "type": q.type,
        "text": q.text,
        "help": q.help_text,
        "required": q.required,
        "scored": q.scored and is_scorable(q.type, q.options),
        "options": [dict(o) for o in q.options] if q.type in CHOICE_TYPES else [],
        "rows": [dict(r) for r in q.rows] if q.type == QuestionType.MATRIX else [],
        "show_if": show_if,
    }


def is_scorable(qtype: str, options) -> bool:
    """Ratings and matrices always can count in the index; a single choice when an option has a
    score; multiple choices and text never."""
    if qtype in RATING_MAX:
        return True
    if qtype == QuestionType.SINGLE:
        return any(o.get("score") is not None for o in options)
    return False


def questions(definition: dict) -> list[dict]:
    """Every question of a definition, in order, each with its number (`no`, from 1)."""
    out = []
    for section in definition["sections"]:
        for q in section["questions"]:
            out.append({**q, "no": len(out) + 1})
    return out


def items(definition: dict) -> list[tuple[str, str, str]]:
    """The scored items, in order: (question key, row key or "", label). A matrix is one item
    per row."""
    out = []
    for q in questions(definition):
        if not q["scored"]:
            continue
        if q["type"] == QuestionType.MATRIX:
            out += [(q["key"], r["key"], f"{q['text']} · {r['label']}") for r in q["rows"]]
        else:
            out.append((q["key"], "", q["text"]))
    return out


def visible(q: dict, answers: dict) -> bool:
    rule = q.get("show_if")
    if not rule:
        return True
    given = answers.get(rule["key"])
    given = given if isinstance(given, list) else [given]
    return any(v in rule["values"] for v in given if v is not None)


def read(definition: dict, answers: dict) -> list[Row]:
    """The answer rows of a sheet, or ValidationError({question key: message})."""
    if not isinstance(answers, dict):
        raise ValidationError("答卷格式不正确")
    rows: list[Row] = []
    errors: dict[str, str] = {}
    kept: dict = {}
    for q in questions(definition):
        if not visible(q, kept):
            continue
        raw = answers.get(q["key"])
        if _empty(raw):
            if q["required"]:
                errors[q["key"]] = f"第{q['no']}题为必答题"
            continue
        try:
            rows += _rows(q, raw)
        except ValidationError as exc:
            errors[q["key"]] = f"第{q['no']}题：{exc.messages[0]}"
            continue
        kept[q["key"]] = raw
    unknown = set(answers) - {q["key"] for q in questions(definition)}
    if unknown:
        errors["__all__"] = "答卷含有问卷中没有的题目"
    if errors:
        raise ValidationError(errors)
    return rows


def _empty(raw) -> bool:
    return raw is None or raw == "" or raw == [] or raw == {}


def _rows(q: dict, raw) -> list[Row]:
    qtype, key = q["type"], q["key"]
    if qtype in CHOICE_TYPES:
        options = {o["key"]: o for o in q["options"]}
        chosen = raw if qtype == QuestionType.MULTIPLE else [raw]
        if not isinstance(chosen, list) or not all(isinstance(c, str) and c in options for c in chosen):
            raise ValidationError("请从选项中选择")
        if len(set(chosen)) != len(chosen):
            raise ValidationError("选项重复")
        out = []
        for c in chosen:
            score = options[c].get("score") if q["scored"] else None
            out.append(Row(key, choice=c, points=score, scale=100 if score is not None else None))
        return out
    if qtype == QuestionType.MATRIX:
        if not isinstance(raw, dict):
            raise ValidationError("请逐行评分")
        row_keys = [r["key"] for r in q["rows"]]
        if set(raw) - set(row_keys):
            raise ValidationError("评分行不正确")
        missing = [k for k in row_keys if raw.get(k) in (None, "")]
        if missing and q["required"]:
            raise ValidationError("请逐行评分")
        return [_rating(q, raw[k], row=k) for k in row_keys if raw.get(k) not in (None, "")]
    if qtype in RATING_MAX:
        return [_rating(q, raw)]
    if qtype in TEXT_TYPES:
        if not isinstance(raw, str):
            raise ValidationError("请填写文字")
        text = raw.strip()
        if len(text) > TEXT_LIMITS[qtype]:
            raise ValidationError(f"不能超过{TEXT_LIMITS[qtype]}字")
        return [Row(key, text=text)] if text else []
    raise ValidationError("题型不正确")


def _rating(q: dict, raw, row: str = "") -> Row:
    top = RATING_MAX[q["type"]]
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError(f"评分须为1–{top}分") from None
    if isinstance(raw, bool) or str(raw).strip() != str(value) or not 1 <= value <= top:
        raise ValidationError(f"评分须为1–{top}分")
    scored = q["scored"]
    return Row(
        q["key"],
        row=row,
        value=value,
        points=value - 1 if scored else None,
        scale=top - 1 if scored else None,
    )
