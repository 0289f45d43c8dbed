"""满意度测评 and 人大履职测评 (issue 13, R-SVY-1..4).

A `Questionnaire` is the editable draft (sections → questions, with options, matrix rows and a
simple skip rule); publishing freezes it as a numbered `QuestionnaireVersion` whose `definition`
(surveys.definition) every response is validated and scored against — answers always know the
version they answered. A `Survey` is one round (e.g. 2026年第三季度门诊患者满意度) of one version,
run by an organising unit over one or more evaluated units: each `SurveyTarget` has its own
unguessable public link (and QR poster) or a batch of one-time `Token`s. A `Response` is stored
once per device key (and once per token); its `Answer` rows carry integer points on a known scale
so every index is an exact SQL sum (surveys.results). An item scoring under the round's threshold
becomes a problem in the rectification ledger in one step (`ItemProblem`).

An `Evaluation` is a 履职测评 of one department by the people's congress: self-report, the
deputies' survey (by token), meetings, the problem list, rectification and the result report —
one timeline of `EvaluationEvent`s.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ScopedModel
from surveys.choices import (
    EvaluationStage,
    QuestionnaireKind,
    QuestionnaireStatus,
    QuestionType,
    SurveyMode,
    SurveyStatus,
)


class Questionnaire(ScopedModel):
    """The editable questionnaire of an organising unit (`org_unit`)."""

    title = models.CharField("问卷名称", max_length=120)
    kind = models.CharField("问卷类型", max_length=12, choices=QuestionnaireKind.choices)
    intro = models.TextField("卷首语", blank=True)
    thanks = models.CharField("结束语", max_length=200, blank=True, default="感谢您的参与！")
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "状态", max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT
    )
    # the draft differs from the latest version (set by every edit, cleared by publishing)
    changed_since_publish = models.BooleanField("发布后有修改", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)  # optimistic lock of the draft

    class Meta:
        verbose_name = "问卷"
        ordering = ["-created_at", "-id"]
        permissions = [("publish_questionnaire", "发布问卷")]
        indexes = [models.Index(fields=["org_unit", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:questionnaire_detail", args=[self.pk])


class Section(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    title = models.CharField("分节标题", max_length=120)
    description = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        default_permissions = ()

    def __str__(self):
        return self.title


class Question(models.Model):
    """One question of the draft. `key` is stable across versions (q1, q2 …, never reused in a
    questionnaire) so the previous round's answers compare with this round's.

    `options`: [{"key": "a", "label": "非常满意", "score": 100}, …] — a choice question counts in
    the index when its options carry scores (0–100; an option without a score, e.g. 不清楚, is
    left out of the index). `rows`: [{"key": "r1", "label": "挂号"}, …] of a matrix.
    `show_if_key` / `show_if_values`: show this question only when the earlier question
    `show_if_key` was answered with one of these option keys."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    key = models.CharField("题号", max_length=12)
    type = models.CharField("题型", max_length=10, choices=QuestionType.choices)
    text = models.CharField("题目", max_length=300)
    help_text = models.CharField("提示", max_length=200, blank=True)
    required = models.BooleanField("必答", default=True)
    options = models.JSONField("选项", default=list, blank=True)
    rows = models.JSONField("矩阵行", default=list, blank=True)
    scored = models.BooleanField("计入满意度指数", default=True)
    show_if_key = models.CharField("显示条件：题号", max_length=12, blank=True)
    show_if_values = models.JSONField("显示条件：选项", default=list, blank=True)

    class Meta:
        ordering = ["section__position", "position", "id"]
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["questionnaire", "key"], name="surveys_question_key")]

    def __str__(self):
        return f"{self.key} {self.text[:30]}"


class QuestionnaireVersion(models.Model):
    """A published, frozen questionnaire: `definition` is surveys.definition's dict."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    definition = models.JSONField("问卷内容")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "问卷版本"
        ordering = ["questionnaire", "-number"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="surveys_version_number")
        ]

    def __str__(self):
        return f"{self.questionnaire.title}（第{self.number}版）"


class Survey(ScopedModel):
    """One round of a survey run by `org_unit` over its targets, on one questionnaire version."""

    title = models.CharField("测评名称", max_length=120)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys")
    version = models.ForeignKey(
        QuestionnaireVersion, verbose_name="问卷版本", on_delete=models.PROTECT, related_name="surveys"
    )
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField("发放方式", max_length=8, choices=SurveyMode.choices, default=SurveyMode.OPEN)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    # an item whose index is under this becomes a problem in one step (R-SVY-3)
    threshold = models.DecimalField("整改阈值（指数）", max_digits=4, decimal_places=1, default=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "测评"
        ordering = ["-opens_on", "-id"]
        permissions = [
            ("issue_token", "发放答题码"),
            ("export_survey", "导出测评结果"),
            ("convert_survey", "测评问题转整改"),
        ]
        indexes = [models.Index(fields=["org_unit", "status", "closes_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey_detail", args=[self.pk])


class SurveyTarget(ScopedModel):
    """An evaluated unit of a round and its public link. `org_unit` repeats the organiser so the
    evaluated unit (`unit`) and the organiser's scope both see it (scope_unit_fields)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="targets")
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="被测评单位", on_delete=models.PROTECT, related_name="+"
    )
    slug = models.CharField("链接标识", max_length=32, unique=True, editable=False)

    scope_unit_fields = ("org_unit", "unit")

    class Meta:
        verbose_name = "测评对象"
        ordering = ["survey", "unit__path"]
        default_permissions = ()  # read with surveys.view_survey (surveys.rules.VIEW)
        constraints = [models.UniqueConstraint(fields=["survey", "unit"], name="surveys_target_unit")]
        indexes = [models.Index(fields=["unit", "survey"])]

    def __str__(self):
        return f"{self.survey.title} · {self.unit}"


class Token(models.Model):
    """A one-time 答题码 of a closed group (e.g. the deputies of a congress): one response each."""

    target = models.ForeignKey(SurveyTarget, on_delete=models.CASCADE, related_name="tokens")
    code = models.CharField("答题码", max_length=16, unique=True)
    batch = models.CharField("批次", max_length=40, blank=True)
    issued_at = models.DateTimeField("发放时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "答题码"
        ordering = ["target", "id"]
        default_permissions = ()

    def __str__(self):
        return self.code


class Response(ScopedModel):
    """One submitted answer sheet. No personal data: no account, no IP, no device id — only the
    one-time `client_key` the page drew (a second submit of the same sheet finds it and stores
    nothing). `org_unit` / `unit` repeat the target's for scope."""

    target = models.ForeignKey(SurveyTarget, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    org_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    token = models.OneToOneField(
        Token, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )
    client_key = models.CharField(max_length=40)
    submitted_at = models.DateTimeField("提交时间")
    seconds = models.PositiveIntegerField("答题用时（秒）", null=True, blank=True)

    scope_unit_fields = ("org_unit", "unit")

    class Meta:
        verbose_name = "答卷"
        ordering = ["target", "-submitted_at", "-id"]
        default_permissions = ()  # read with surveys.view_survey (surveys.rules.VIEW)
        constraints = [models.UniqueConstraint(fields=["target", "client_key"], name="surveys_response_once")]
        indexes = [models.Index(fields=["target", "submitted_at"])]

    def __str__(self):
        return f"答卷 {self.submitted_at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """One answer of a response; a matrix answers once per row, a multiple choice once per chosen
    option. A scored answer has `points` out of `scale` (rating v of 1..n: v−1 of n−1; a scored
    option: its score of 100), so an item's index is 100·Σpoints/Σscale, exactly."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    target = models.ForeignKey(SurveyTarget, on_delete=models.PROTECT, related_name="+")
    question = models.CharField("题号", max_length=12)
    row = models.CharField("矩阵行", max_length=12, blank=True)
    choice = models.CharField("选项", max_length=12, blank=True)
    value = models.SmallIntegerField("评分", null=True, blank=True)
    text = models.TextField("文字", blank=True)
    points = models.SmallIntegerField(null=True, blank=True)
    scale = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["response", "id"]
        default_permissions = ()
        indexes = [models.Index(fields=["target", "question", "row"])]


class ItemProblem(models.Model):
    """A low-scoring item of a target turned into a problem (R-SVY-3 → R-RCT-1)."""

    target = models.ForeignKey(SurveyTarget, on_delete=models.PROTECT, related_name="item_problems")
    question = models.CharField("题号", max_length=12)
    row = models.CharField("矩阵行", max_length=12, blank=True)
    problem = models.OneToOneField(
        "rectification.Problem", on_delete=models.PROTECT, related_name="survey_item"
    )
    index = models.DecimalField("转办时指数", max_digits=4, decimal_places=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["target", "question", "row"], name="surveys_item_problem_once")
        ]


class Evaluation(ScopedModel):
    """A 履职测评 of `department` by the people's congress, run by `org_unit`."""

    title = models.CharField("测评名称", max_length=120)
    congress = models.CharField("测评机关", max_length=60, help_text="如：青山市人大常委会")
    year = models.PositiveSmallIntegerField("年度")
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Unit", verbose_name="被测评部门", on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(
        "环节", max_length=12, choices=EvaluationStage.choices, default=EvaluationStage.SELF_REPORT
    )
    self_report = models.TextField("自查报告", blank=True)
    self_report_files = models.ManyToManyField(
        "files.Attachment", verbose_name="自查报告附件", blank=True, related_name="+"
    )
    self_reported_at = models.DateTimeField("自查报告提交时间", null=True, blank=True)
    survey = models.OneToOneField(
        Survey, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation"
    )
    problems = models.ManyToManyField("rectification.Problem", blank=True, related_name="evaluations")
    result = models.TextField("测评结果", blank=True)
    result_document = models.ForeignKey(
        "documents.IssuedDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)

    scope_unit_fields = ("org_unit", "department")

    class Meta:
        verbose_name = "履职测评"
        ordering = ["-year", "-id"]
        permissions = [("report_evaluation", "提交履职测评自查报告")]
        indexes = [
            models.Index(fields=["org_unit", "stage"]),
            models.Index(fields=["department", "stage"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:evaluation_detail", args=[self.pk])


class EvaluationMeeting(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=120)
    place = models.CharField("地点", max_length=120, blank=True)
    attendees = models.TextField("参会人员", blank=True)
    minutes = models.TextField("会议纪要")
    attachments = models.ManyToManyField(
        "files.Attachment", verbose_name="附件", blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        default_permissions = ()


class EvaluationEvent(models.Model):
    """One dated step on a 履职测评's timeline."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField("环节", max_length=12, choices=EvaluationStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ()
