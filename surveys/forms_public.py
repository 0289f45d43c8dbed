"""The public answer sheet (R-SVY-2): the hidden fields a plain HTML form carries, the answers
read off the POST by question type, and the questions as the page shows them (typed answers and
each question's error kept).

Field names: a choice or rating question posts under its key (`q1`), a multiple choice one value
per ticked option, a matrix one value per row (`q4.r1`), a text its text. The answers dict is
what surveys.definition.read takes; the one write is surveys.services.submit_response.
"""

from __future__ import annotations

import secrets
import time

from django import forms
from django.core import signing

from surveys import definition
from surveys.choices import CHOICE_TYPES, RATING_MAX, TEXT_TYPES, QuestionType

STAMP_SALT = "surveys.public.served"
STAMP_MAX_AGE = 86400  # a page served more than a day ago is sent again after a reload
HONEYPOT = "homepage"


def served_stamp(slug: str, at: float | None = None) -> str:
    """The signed served-at stamp of a page of link `slug` (`at`: epoch seconds, now)."""
    return signing.dumps({"s": slug, "t": int(time.time() if at is None else at)}, salt=STAMP_SALT)


def stamp_age(stamp: str, slug: str) -> int | None:
    """Seconds since the stamp's page was served, or None when it is forged or of another link."""
    try:
        data = signing.loads(stamp, salt=STAMP_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != slug or not isinstance(data.get("t"), int):
        return None
    return int(time.time()) - data["t"]


def new_client_key() -> str:
    return secrets.token_urlsafe(18)


class SheetForm(forms.Form):
    """The hidden fields of a sheet; the answers are read by `answers()`."""

    client_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=40,
        error_messages={"required": "答卷标识缺失，请刷新页面后重新填写"},
    )
    stamp = forms.CharField(
        widget=forms.HiddenInput,
        max_length=300,
        error_messages={"required": "页面已失效，请刷新页面后重新填写"},
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    # a field people do not see (public.css hides it) and scripts fill in
    homepage = forms.CharField(label="网址（请勿填写）", required=False, max_length=200)

    def __init__(self, definition_: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition_
        self.question_errors: dict[str, str] = {}
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def answers(self) -> dict:
        """The answers of the POST, by question key (unanswered questions left out)."""
        data, out = self.data, {}
        for q in definition.questions(self.definition):
            key, qtype = q["key"], q["type"]
            if qtype == QuestionType.MULTIPLE:
                value = [v for v in data.getlist(key) if v]
            elif qtype == QuestionType.MATRIX:
                value = {r["key"]: data.get(f"{key}.{r['key']}") for r in q["rows"]}
                value = {k: v for k, v in value.items() if v}
            else:
                value = data.get(key, "")
            if value not in ("", [], {}):
                out[key] = value
        return out

    def refuse(self, exc) -> None:
        """Put a ValidationError of the write on the form: each wrong question by its key."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                if key != "__all__":
                    self.question_errors[key] = errors[0]
                for message in errors:
                    self.add_error(None, message)
        else:
            for message in exc.messages:
                self.add_error(None, message)


def page_questions(definition_: dict, answers: dict, errors: dict) -> list[dict]:
    """The sections of the page, each with its questions ready for the template."""
    sections, no = [], 0
    for section in definition_["sections"]:
        shown = []
        for q in section["questions"]:
            no += 1
            shown.append(_question(q, no, answers.get(q["key"]), errors.get(q["key"], "")))
        sections.append(
            {"title": section["title"], "description": section["description"], "questions": shown}
        )
    return sections


def _question(q: dict, no: int, given, error: str) -> dict:
    qtype = q["type"]
    out = {
        "key": q["key"],
        "no": no,
        "type": qtype,
        "text": q["text"],
        "help": q["help"],
        "required": q["required"],
        "error": error,
        "show_if_key": (q["show_if"] or {}).get("key", ""),
        "show_if_values": ",".join((q["show_if"] or {}).get("values", [])),
        "is_choice": qtype in CHOICE_TYPES,
        "is_multiple": qtype == QuestionType.MULTIPLE,
        "is_text": qtype in TEXT_TYPES,
        "is_long": qtype == QuestionType.LONG,
        "is_matrix": qtype == QuestionType.MATRIX,
        "is_rating": qtype in RATING_MAX and qtype != QuestionType.MATRIX,
        "text_value": given if isinstance(given, str) and qtype in TEXT_TYPES else "",
        "max_length": definition.TEXT_LIMITS.get(qtype),
    }
    if qtype in CHOICE_TYPES:
        chosen = given if isinstance(given, list) else [given]
        out["options"] = [{**o, "checked": o["key"] in chosen} for o in q["options"]]
    if qtype in RATING_MAX:
        scale = range(1, RATING_MAX[qtype] + 1)
        if qtype == QuestionType.MATRIX:
            given = given if isinstance(given, dict) else {}
            out["rows"] = [
                {**r, "name": f"{q['key']}.{r['key']}", "scale": _scale(scale, given.get(r["key"]))}
                for r in q["rows"]
            ]
        else:
            out["scale"] = _scale(scale, given)
    return out


def _scale(scale, given) -> list[dict]:
    return [{"value": v, "checked": str(v) == str(given)} for v in scale]
