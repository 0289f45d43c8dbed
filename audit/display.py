"""How an audit entry's changes read (issue 8, item 10): every label is the verbose name of the
field on the model the entry is about, every value is what the pages show (choice labels, names,
local times) — in one place, for every caller of `audit.record()`.

Callers pass `changes` as {field: value} or {field: {"before": …, "after": …}} (what
`core.services.model_update()` returns); keys that are not fields of the entry's model (a reason,
a count, an export's filters) are named in EXTRA_LABELS. A key found in neither shows as is — the
test over the demo's whole audit log keeps that from happening."""

import datetime as dt
import re
from urllib.parse import parse_qs

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils import timezone

# keys that are not fields of the entry's model (or of no model at all)
EXTRA_LABELS = {
    "accounts": "账号数",
    "assignments": "交办",
    "campaigns": "专项督查",
    "documents_draft": "公文草稿",
    "documents_issued": "已签发公文",
    "events": "任务动态",
    "key_sites": "重点点位",
    "overdue": "逾期",
    "problem_statuses": "问题状态",
    "rechecks": "回头看",
    "records": "检查记录",
    "regressions": "反弹",
    "reports": "进展报告",
    "roles": "角色",
    "seconds": "用时（秒）",
    "task_lights": "任务预警灯",
    "tasks": "任务数",
    "units": "单位",
    "inspectors": "检查人员",
    "target": "检查对象",
    "statistics": "统计口径",
    "light": "预警灯",
    "q": "关键词",
    "per_page": "每页条数",
    "sort": "排序",
    "passed": "复查通过",
    "key": "提醒标识",
    "days_before": "提前天数",
    "recipients": "接收人数",
    "milestone": "时间节点",
    "approve": "是否同意",
    "batch": "批次",
    "checked": "已校验条数",
    "children": "分解出的子任务",
    "code": "编码",
    "codes": "编码",
    "conclusion": "审议结论",
    "count": "数量",
    "created": "新增",
    "date": "日期",
    "description": "描述",
    "drop_reason": "进度下降原因",
    "draw": "抽签记录号",
    "evidence": "佐证材料",
    "file": "文件",
    "findings": "检查发现数",
    "first_bad_seq": "首条异常序号",
    "format": "格式",
    "include_descendants": "含下级",
    "inspector_pool": "检查人员库",
    "key_site": "重点点位",
    "label": "督办措施",
    "leader": "专班负责人",
    "level": "督办等级",
    "locked_until": "锁定至",
    "meeting_date": "会议日期",
    "meeting_kind": "会议类型",
    "members": "专班成员",
    "message": "结果",
    "minutes": "分钟",
    "name": "名称",
    "new_due_date": "申请延至",
    "note": "说明",
    "ok": "校验通过",
    "period": "报告期",
    "problems": "问题数",
    "progress": "进度%",
    "query": "筛选条件",
    "reason": "原因",
    "result": "抽签结果",
    "role": "角色",
    "rows": "行数",
    "same": "复核结果一致",
    "seed": "随机种子",
    "site": "检查点位",
    "size": "大小（字节）",
    "sm3": "SM3摘要",
    "subject": "主题",
    "target_pool": "检查对象库",
    "unit": "单位",
    "usernames": "账号",
}

# the entry is about one object, its changes describe another (a 党组会 review of a task)
ACTION_MODELS = {
    "tasks.task.reviewed": "tasks.PartyReview",
    "tasks.assignment.extension_requested": "tasks.ExtensionRequest",
    "tasks.assignment.extension_decided": "tasks.ExtensionRequest",
    "rectification.problem.rechecked": "rectification.ReCheck",
    "rectification.problem.escalated": "rectification.Escalation",
    "escalation.step.taken": "escalation.TaskEscalation",
    "tasks.task.exported": "tasks.Task",
    "rectification.problem.exported": "rectification.Problem",
    "supervision.campaign.exported": "supervision.Campaign",
    "supervision.record.exported": "supervision.InspectionRecord",
    "documents.document.exported": "documents.IssuedDocument",
    "instructions.instruction.exported": "instructions.Instruction",
    "surveys.evaluation.meeting_recorded": "surveys.EvaluationMeeting",
}
# where a key means something else than elsewhere
ACTION_LABELS = {
    ("supervision.campaign.created", "period"): "检查期间",
    ("supervision.campaign.created", "target_pool"): "检查对象数",
    ("supervision.campaign.created", "inspector_pool"): "检查人员数",
    ("documents.document.returned", "comment"): "退回意见",
    ("instructions.instruction.answered", "files"): "落实佐证",
    ("rectification.problem.escalated", "level"): "督办级别",
    ("org.role.granted", "unit"): "授权单位",
    ("org.role.revoked", "unit"): "授权单位",
    ("surveys.evaluation.self_reported", "text"): "自查报告",
    ("surveys.evaluation.self_reported", "files"): "附件",
    ("surveys.evaluation.survey_started", "survey"): "代表测评",
    ("surveys.evaluation.survey_started", "tokens"): "答题码数",
    ("surveys.evaluation.survey_started", "closes_on"): "截止日期",
    ("surveys.evaluation.problems_listed", "problems"): "问题清单",
    ("surveys.evaluation.report_drafted", "document"): "结果报告",
    ("surveys.evaluation.finished", "document"): "结果报告文号",
    ("instructions.dispatchmeeting.created", "total"): "红黄灯任务总数",
    ("surveys.item.converted", "index"): "转办时指数",
    ("surveys.item.converted", "item"): "测评项",
    ("surveys.item.converted", "n"): "有效答卷数",
    ("surveys.item.converted", "problem"): "整改问题",
    ("surveys.questionnaire.created", "template"): "模板",
    ("surveys.questionnaire.published", "questions"): "题目数",
    ("surveys.questionnaire.published", "version"): "版本号",
    ("surveys.survey.created", "questionnaire"): "问卷",
    ("surveys.results.exported", "survey"): "测评",
    ("surveys.token.downloaded", "what"): "下载内容",
    ("surveys.questionnaire.updated", "what"): "修改内容",
}
# keys holding ids (a list or one): shown as the names of those rows
ACTION_IDS = {
    "supervision.campaign.drawn": {
        "target_pool": "org.Unit",
        "target": "org.Unit",
        "inspector_pool": "org.User",
        "inspectors": "org.User",
    },
}

# values of list filters that are no model field (the ledgers' 预警灯 filter), as the filter shows them
QUERY_VALUES = {"light": {"red": "红", "yellow": "黄", "green": "绿", "done": "已办结"}}

_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _models_of(event) -> list:
    """The models whose fields name this entry's changes: the action's own, then the object's."""
    models = []
    for label in (ACTION_MODELS.get(event.action), event.object_type):
        try:
            models.append(apps.get_model(label))
        except (LookupError, ValueError, TypeError, AttributeError):
            continue
    return models


def _field(models, key):
    for model in models:
        try:
            field = model._meta.get_field(key) if isinstance(key, str) else None
        except FieldDoesNotExist:
            continue
        if isinstance(field, Field):  # a field of this model, not a reverse relation
            return field
    return None


def _has_own_name(field) -> bool:
    """Django names a field without a verbose name after its attribute ("lead unit"): not a label."""
    return str(field.verbose_name) != field.name.replace("_", " ")


class Names:
    """Names of rows referred to by id, read in one query per model for a whole page: a first
    rendering pass only collects the ids (`collecting`), `load()` reads them, the second shows."""

    def __init__(self):
        self.wanted: dict[str, set] = {}
        self.found: dict[tuple[str, str], str] = {}
        self.collecting = True

    def name(self, model_label: str, value) -> str:
        if self.collecting:
            self.wanted.setdefault(model_label, set()).add(str(value))
            return str(value)
        return self.found.get((model_label, str(value)), f"#{value}")

    def load(self) -> None:
        for label, ids in self.wanted.items():
            model = apps.get_model(label)
            pks = [i for i in ids if i.isdigit()]
            for obj in model._default_manager.filter(pk__in=pks):
                self.found[(label, str(obj.pk))] = getattr(obj, "display_name", None) or str(obj)
        self.collecting = False


class _Entry:
    """Renders one entry's changes."""

    def __init__(self, event, names: Names):
        self.event, self.names = event, names
        self.models = _models_of(event)
        self.ids = ACTION_IDS.get(event.action, {})

    def label(self, key) -> str:
        override = ACTION_LABELS.get((self.event.action, key))
        field = None if override else _field(self.models, key)
        if field is not None and _has_own_name(field):
            return str(field.verbose_name)
        return override or EXTRA_LABELS.get(key, str(key))

    def show(self, value, key=None) -> str:
        """A stored JSON value as a reader sees it: a choice's label, a name for an id, 是/否,
        local time, lists joined with 、, nothing as empty."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            joiner = "\n" if any(isinstance(v, dict) for v in value) else "、"
            return joiner.join(self.show(v, key) for v in value)
        if isinstance(value, dict):
            return "，".join(f"{self.label(k)}：{self.show(v, k)}" for k, v in value.items())
        if isinstance(key, str) and key.endswith("_encrypted"):
            return "（加密内容，不显示）"
        if key in self.ids and isinstance(value, int):
            return self.names.name(self.ids[key], value)
        if key == "query" and isinstance(value, str) and "=" in value:
            return self.query(value)
        return self.plain(_field(self.models, key), value)

    def plain(self, field, value) -> str:
        for code, text in getattr(field, "flatchoices", None) or ():
            if str(code) == str(value):
                return str(text)
        if field is not None and field.is_relation and str(value).isdigit():
            return self.names.name(field.related_model._meta.label, value)
        if isinstance(value, str) and _ISO_DATETIME.match(value):
            return _local_time(value)
        return str(value)

    def query(self, text: str) -> str:
        """An export's filter (a query string) in words: 等级：重大；预警灯：red → labels, names."""
        parts = []
        for key, values in parse_qs(text).items():
            field = _field(self.models, key.split("__")[0])
            label = str(field.verbose_name) if field and _has_own_name(field) else EXTRA_LABELS.get(key, key)
            words = QUERY_VALUES.get(key, {})
            parts.append(f"{label}：{'、'.join(words.get(v) or self.plain(field, v) for v in values)}")
        return "；".join(parts)

    def rows(self) -> list[tuple[str, str, str, bool]]:
        changes = self.event.changes
        if not isinstance(changes, dict):
            return [("", "", self.show(changes), False)]
        rows = []
        for key, value in changes.items():
            if isinstance(value, dict) and set(value) == {"before", "after"}:
                rows.append(
                    (self.label(key), self.show(value["before"], key), self.show(value["after"], key), True)
                )
            else:
                rows.append((self.label(key), "", self.show(value, key), False))
        return rows


def _local_time(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def object_label(event) -> str:
    """ "任务 #12" for the entry's object, not the code "tasks.task"."""
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return event.object_type
    return f"{model._meta.verbose_name} #{event.object_id}"


def annotate(events) -> None:
    """Set `change_rows` and `object_label` on every entry of a page (names: one query per model)."""
    names = Names()
    entries = [_Entry(ev, names) for ev in events]
    for entry in entries:
        entry.rows()
    names.load()
    for ev, entry in zip(events, entries, strict=True):
        ev.change_rows = entry.rows()
        ev.object_label = object_label(ev) if ev.object_type else ""


def change_rows(event) -> list[tuple[str, str, str, bool]]:
    """(label, before, after, is_diff) rows of one entry; a plain value shows as after only."""
    events = [event]
    annotate(events)
    return event.change_rows
