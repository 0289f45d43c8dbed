from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from core import scoping
from core.models import ClockDateTimeField, ScopedModel, ScopedQuerySet
from core.validators import past_date, sane_date
from tasks.choices import (
    AssignmentRole,
    Cadence,
    DirectiveKind,
    EventKind,
    ExtensionStatus,
    ReviewConclusion,
    ReviewMeetingKind,
    TaskLevel,
    TaskStatus,
)


class Directive(ScopedModel):
    """上级部署 (R-DEC-1): a document, meeting, instruction or leader's assignment that tasks cite."""

    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=16, choices=DirectiveKind.choices)
    title = models.CharField("标题", max_length=200)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("发文/部署机关", max_length=100)
    issued_on = models.DateField("日期", validators=[sane_date])
    text = models.TextField("内容摘要", blank=True)

    class Meta:
        verbose_name = "上级部署"
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title


class TaskCategory(models.Model):
    """Editable list of categories (医改, 疾病防控 …)."""

    name = models.CharField("类别", max_length=30, unique=True)
    sort_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "任务类别"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class TaskQuerySet(ScopedQuerySet):
    def visible_to(self, user, perm: str = "tasks.view_task", *, listing: bool = False):
        """A task is visible to its creating unit's scope, and to every unit it was assigned to
        (the explicit exception of R-ORG-3), or whose 专班 the user belongs to (R-TSK-4): the
        UNION of those three sets of ids.

        `listing=True` for a query that reads the visible tasks as a whole (a list, its light
        counts, an export): the ids are then read through the primary key (`scoping.ids_q`), where
        `IN (…)` makes PostgreSQL join them back to the whole table. A lookup of one task keeps
        `IN (…)`, which PostgreSQL narrows to that id inside each branch of the UNION."""
        grants = scoping.grants_for(user, perm)
        if not grants:
            return self.none()
        own = Task.objects.filter(scoping.unit_q(grants, "org_unit")).order_by().values("pk")
        assigned = Assignment.objects.filter(scoping.unit_q(grants, "unit")).order_by().values("task_id")
        team = TaskForceMember.objects.filter(user=user).order_by().values("task_id")
        if listing:
            return self.filter(scoping.ids_q(grants, "pk", [own, assigned, team]))
        return self.filter(pk__in=scoping.union_of([own, assigned, team]))


# An 应急 window is both dates or neither, in order.
EMERGENCY_WINDOW_VALID = models.Q(emergency_from__isnull=True, emergency_until__isnull=True) | models.Q(
    emergency_from__isnull=False, emergency_until__gte=models.F("emergency_from")
)


class Task(ScopedModel):
    """A major task (R-TSK-1). status, progress and last_report_on roll up from assignments and
    sub-tasks (tasks.services.task_rollup) so lists can filter and sort by light in the database."""

    code = models.CharField("编号", max_length=20, unique=True, editable=False)
    title = models.CharField("任务名称", max_length=200)
    description = models.TextField("任务描述", blank=True)
    category = models.ForeignKey(TaskCategory, verbose_name="类别", on_delete=models.PROTECT)
    level = models.CharField("等级", max_length=10, choices=TaskLevel.choices, default=TaskLevel.GENERAL)
    directive = models.ForeignKey(
        Directive,
        verbose_name="上级部署",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级任务",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="创建单位", on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField("org.Unit", verbose_name="配合单位", blank=True, related_name="+")
    responsible_persons = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="责任人", blank=True, related_name="responsible_tasks"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("开始日期", validators=[sane_date])
    due_date = models.DateField("完成时限", validators=[sane_date])
    due_in_workdays = models.PositiveSmallIntegerField("时限（工作日）", null=True, blank=True)
    goals = models.TextField("工作目标", blank=True)
    cadence = models.CharField("报告频次", max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    emergency_from = models.DateField("应急日报起", null=True, blank=True, validators=[sane_date])
    emergency_until = models.DateField("应急日报止", null=True, blank=True, validators=[sane_date])
    emergency_reason = models.CharField("应急事由", max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField("权重", default=1, help_text="在上级任务进度中的权重")
    status = models.CharField("状态", max_length=24, choices=TaskStatus.choices, default=TaskStatus.DRAFT)
    progress = models.PositiveSmallIntegerField("进度%", default=0)
    last_report_on = models.DateField("最近报告日期", null=True, blank=True)
    completed_on = models.DateField("办结日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "任务"
        ordering = ["-id"]
        permissions = [
            ("assign_task", "交办任务"),
            ("review_task", "前置政治审议"),
            ("import_task", "导入任务"),
            ("export_task", "导出任务"),
        ]
        indexes = [
            models.Index(fields=["org_unit", "status"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date")), name="tasks_task_due_after_start"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="tasks_task_progress_le_100"),
            models.CheckConstraint(condition=EMERGENCY_WINDOW_VALID, name="tasks_task_emergency_window"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    def clean(self):
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": "完成时限不能早于开始日期"})

    @property
    def is_major(self):
        return self.level == TaskLevel.MAJOR


class PartyReview(models.Model):
    """前置政治审议 record (R-DEC-4): a 重大 task cannot be assigned without one that approves it."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="party_review")
    meeting_kind = models.CharField("会议类型", max_length=20, choices=ReviewMeetingKind.choices)
    meeting_date = models.DateField("会议日期", validators=[past_date])
    meeting_title = models.CharField("会议名称", max_length=100, blank=True)
    conclusion = models.CharField("审议结论", max_length=20, choices=ReviewConclusion.choices)
    notes = models.TextField("审议意见", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = ClockDateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "前置审议记录"

    @property
    def approves(self) -> bool:
        return self.conclusion in (ReviewConclusion.APPROVED, ReviewConclusion.APPROVED_WITH_CHANGES)


class Milestone(models.Model):
    """时间节点 (R-TSK-3) with a due date and evidence; carries a light like an assignment."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点名称", max_length=120)
    due_date = models.DateField("节点时限", validators=[sane_date])
    done_on = models.DateField("完成日期", null=True, blank=True)
    evidence_note = models.CharField("完成说明", max_length=200, blank=True)
    sort_order = models.IntegerField(default=0)
    # 节点佐证: the files given when the milestone was completed (files owns the file, not the link)
    attachments = models.ManyToManyField(
        "files.Attachment", verbose_name="节点佐证", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "时间节点"
        ordering = ["due_date", "sort_order", "id"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    """指标 (R-TSK-3): target, unit of measure, baseline, current value (e.g. 建档率 ≥ 94%)."""

    class Direction(models.TextChoices):
        GTE = "gte", "≥"
        LTE = "lte", "≤"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("指标名称", max_length=80)
    unit_of_measure = models.CharField("计量单位", max_length=20, blank=True)
    direction = models.CharField("方向", max_length=3, choices=Direction.choices, default=Direction.GTE)
    target = models.DecimalField("目标值", max_digits=14, decimal_places=2)
    baseline = models.DecimalField("基期值", max_digits=14, decimal_places=2, null=True, blank=True)
    current = models.DecimalField("当前值", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "指标"
        ordering = ["id"]

    def __str__(self):
        return self.name

    @property
    def met(self):
        if self.current is None:
            return None
        return (
            self.current >= self.target
            if self.direction == self.Direction.GTE
            else self.current <= self.target
        )


class TaskForceMember(models.Model):
    """专班 (R-TSK-4): members from several units who all see and may report on the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="taskforce")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="taskforces")
    is_leader = models.BooleanField("专班负责人", default=False)

    class Meta:
        verbose_name = "专班成员"
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="tasks_taskforce_unique")]


class Assignment(ScopedModel):
    """A task sent to one unit (交办): the unit that does the work and its lifecycle (R-TSK-5).

    In scope for the receiving unit (`unit`) and for the assigning side (`org_unit`).
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="交办单位", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        "承办角色", max_length=10, choices=AssignmentRole.choices, default=AssignmentRole.LEAD
    )
    status = models.CharField("状态", max_length=24, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    cadence = models.CharField("报告频次", max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    # 应急 (R-RPT-1): the task's special period, copied here like the cadence so lights and report
    # periods are computed from the assignment's own row.
    emergency_from = models.DateField("应急日报起", null=True, blank=True, validators=[sane_date])
    emergency_until = models.DateField("应急日报止", null=True, blank=True, validators=[sane_date])
    start_date = models.DateField("开始日期", validators=[sane_date])
    due_date = models.DateField("完成时限", validators=[sane_date])
    progress = models.PositiveSmallIntegerField("进度%", default=0)
    last_report_on = models.DateField("最近报告日期", null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("交办时间")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    completion_requested_at = models.DateTimeField("申请办结时间", null=True, blank=True)
    completion_note = models.TextField("办结说明", blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField("退回理由", blank=True)
    version = models.PositiveIntegerField(default=1)
    # every file of the assignment: 办结佐证 and its reports' files (a report's file belongs to both)
    attachments = models.ManyToManyField(
        "files.Attachment", verbose_name="附件", blank=True, related_name="+"
    )

    scope_unit_fields = ("org_unit", "unit")

    class Meta:
        verbose_name = "交办"
        ordering = ["due_date", "id"]
        permissions = [
            ("sign_assignment", "签收"),
            ("request_completion", "申请办结"),
            ("verify_assignment", "审核办结"),
            ("request_extension", "申请延期"),
            ("decide_extension", "审批延期"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="tasks_assignment_task_unit_unique"),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="tasks_assignment_progress_le_100"
            ),
            models.CheckConstraint(
                condition=EMERGENCY_WINDOW_VALID, name="tasks_assignment_emergency_window"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "task"]),
            models.Index(fields=["unit", "status", "due_date"]),
            models.Index(fields=["org_unit", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            # 工作台 "my red items": the open, overdue assignments of the tasks a user created or
            # leads, read from this index alone (id included for PostgreSQL's index-only scan)
            models.Index(fields=["task", "status", "due_date", "id"]),
        ]

    def __str__(self):
        return f"{self.task.code} → {self.unit.display_name}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.task_id]) + f"#assignment-{self.pk}"


class ExtensionRequest(models.Model):
    """申请延期 (R-TSK-5): reason and new date, decided by the assigning side."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    reason = models.TextField("延期理由")
    old_due_date = models.DateField("原时限")
    new_due_date = models.DateField("申请延至", validators=[sane_date])
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "延期申请"
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"])]


class TaskEvent(models.Model):
    """The task's timeline: every arrow of the loop with actor and time (§2), readable by whoever
    may read the task. (The audit log keeps the tamper-evident copy for the auditor.)"""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class SavedFilter(models.Model):
    """A ledger filter a user saved under a name (R-TSK-7)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField("名称", max_length=40)
    query = models.CharField(max_length=1000)
    created_at = ClockDateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="tasks_savedfilter_unique")]


class WorkdayOverride(models.Model):
    """Admin-editable holiday / 调休 overrides for years the calendar library does not cover (R-TSK-1b)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=40, blank=True)

    class Meta:
        verbose_name = "节假日调整"
        ordering = ["date"]
