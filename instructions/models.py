"""领导批示 (issue 10): a leader's instruction on one record — a task, a progress report, a problem
or a document — naming the unit that must act and by when; the unit answers with 落实情况, the
leader closes it (圈阅) or returns it for more. The life cycle is instructions.transitions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import ScopedModel

TARGET_FIELDS = ("task", "report", "problem", "document")


class InstructionStatus(models.TextChoices):
    PENDING = "pending", "待落实"
    ANSWERED = "answered", "已报落实"
    CLOSED = "closed", "已圈阅"


class TargetKind(models.TextChoices):
    TASK = "task", "任务"
    REPORT = "report", "进展报告"
    PROBLEM = "problem", "问题"
    DOCUMENT = "document", "公文"


def _exactly_one_target() -> Q:
    q = Q(pk__in=[])
    for field in TARGET_FIELDS:
        one = Q(**{f"{field}__isnull": False})
        for other in TARGET_FIELDS:
            if other != field:
                one &= Q(**{f"{other}__isnull": True})
        q |= one
    return q


class Instruction(ScopedModel):
    """One 批示. `org_unit` is the leader's unit, `assignee_unit` the unit that must act: both
    sides see it (scope_unit_fields)."""

    target_kind = models.CharField("批示对象", max_length=10, choices=TargetKind.choices)
    task = models.ForeignKey(
        "tasks.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="instructions"
    )
    report = models.ForeignKey(
        "reporting.ProgressReport",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    problem = models.ForeignKey(
        "rectification.Problem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    document = models.ForeignKey(
        "documents.IssuedDocument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    target_label = models.CharField("批示对象名称", max_length=240)
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="批示领导单位", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批示领导", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("批示内容")
    assignee_unit = models.ForeignKey(
        "org.Unit", verbose_name="落实单位", on_delete=models.PROTECT, related_name="+"
    )
    assignee_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="落实责任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee_name = models.CharField("落实责任人（姓名）", max_length=40, blank=True)
    due_date = models.DateField("落实时限")
    status = models.CharField(
        "状态", max_length=10, choices=InstructionStatus.choices, default=InstructionStatus.PENDING
    )
    answered_at = models.DateTimeField("报送落实时间", null=True, blank=True)
    answered_on = models.DateField("报送落实日期", null=True, blank=True)
    closed_at = models.DateTimeField("圈阅时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    version = models.PositiveIntegerField(default=1)
    # a 调度会's follow-up (R-DEC-6): a 批示 on one of the meeting's listed tasks
    meeting = models.ForeignKey(
        "instructions.DispatchMeeting",
        verbose_name="调度会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )

    scope_unit_fields = ("org_unit", "assignee_unit")

    class Meta:
        verbose_name = "领导批示"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("answer_instruction", "报送批示落实情况"),
            ("close_instruction", "圈阅批示"),
            ("export_instruction", "导出批示台账"),
        ]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_target(), name="instructions_exactly_one_target"),
        ]
        indexes = [
            models.Index(fields=["org_unit", "status", "due_date"]),
            models.Index(fields=["assignee_unit", "status", "due_date"]),
        ]

    def __str__(self):
        return f"批示：{self.text[:30]}"

    def get_absolute_url(self):
        return reverse("instructions:instruction_detail", args=[self.pk])

    @property
    def target(self):
        return getattr(self, self.target_kind)

    @property
    def assignee_display(self) -> str:
        if self.assignee_person_id:
            return self.assignee_person.full_name
        return self.assignee_name


class InstructionEvent(models.Model):
    """The history of a 批示: its writing, each 落实情况, each 退回 and the 圈阅 (who, when, what)."""

    class Kind(models.TextChoices):
        CREATED = "created", "批示"
        ANSWERED = "answered", "报送落实情况"
        RETURNED = "returned", "退回补充"
        CLOSED = "closed", "圈阅"

    instruction = models.ForeignKey(Instruction, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    text = models.TextField(blank=True)
    # files sent with a 落实情况 (files.registry: seen by whoever sees the 批示)
    attachments = models.ManyToManyField(
        "files.Attachment", verbose_name="附件", blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ()


class DispatchMeeting(ScopedModel):
    """调度会 (R-DEC-6): held by a unit (`org_unit`) and chaired by a leader (`host`); it lists the
    red and yellow tasks of the unit's scope as they stood that day (`items`, frozen with their
    light and reason: DispatchItem) and records a follow-up per item — an Instruction with
    `meeting` set, answered and 圈阅 as any 批示 (instructions.dispatch)."""

    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="主办单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("会议名称", max_length=120)
    held_on = models.DateField("会议日期")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="主持领导", on_delete=models.PROTECT, related_name="+"
    )
    attendees = models.TextField("参会人员", blank=True)
    notes = models.TextField("会议纪要", blank=True)
    category = models.ForeignKey(
        "tasks.TaskCategory",
        verbose_name="任务类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    items = models.ManyToManyField(
        "tasks.Task", verbose_name="调度事项", through="DispatchItem", related_name="+"
    )
    items_total = models.PositiveIntegerField("红黄灯事项总数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "调度会"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org_unit", "held_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("instructions:meeting_detail", args=[self.pk])


class DispatchItem(models.Model):
    """One task listed at a 调度会, with its light and reason on the meeting's day."""

    meeting = models.ForeignKey(DispatchMeeting, on_delete=models.CASCADE, related_name="listed")
    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    light = models.PositiveSmallIntegerField("会时预警")
    reason = models.CharField("会时预警原因", max_length=120)

    class Meta:
        ordering = ["meeting", "position"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["meeting", "task"], name="instructions_dispatch_item_once"),
        ]
