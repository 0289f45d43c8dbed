"""Models of escalation: the steps of the ladder for red tasks (R-WRN-2).

One row per step taken for one assignment in one red spell. A spell is named by the due date the
assignment was red against: a due date moved by an approved extension starts a new spell, and the
ladder starts again from 提醒. The unique constraint (assignment, spell, level) keeps a step from
being taken twice for the same spell, even by two queue runs at once.

A step is in the scope of both sides of the assignment (the receiving unit and the assigning unit),
copied from the assignment when the step is taken, so the ladder's lists are scoped by index.
"""

from django.conf import settings
from django.db import models

from core.models import ScopedModel


class Level(models.IntegerChoices):
    REMIND = 1, "提醒"
    URGE = 2, "催办"
    ORDER = 3, "督办单"
    BULLETIN = 4, "列入通报"
    ACCOUNTABILITY = 5, "建议问责"


class TaskEscalation(ScopedModel):
    assignment = models.ForeignKey(
        "tasks.Assignment", verbose_name="交办", on_delete=models.CASCADE, related_name="escalations"
    )
    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="交办单位", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    spell = models.DateField("红灯时段（按完成时限）")
    level = models.PositiveSmallIntegerField("督办环节", choices=Level.choices)
    at = models.DateTimeField("时间")
    days_red = models.PositiveIntegerField("逾期天数", default=0)
    note = models.CharField("说明", max_length=300, blank=True)
    document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name="公文",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_unit_fields = ("org_unit", "unit")

    class Meta:
        verbose_name = "红色任务督办升级"
        ordering = ["assignment_id", "spell", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "spell", "level"], name="escalation_step_once_per_spell"
            )
        ]
        indexes = [
            models.Index(fields=["org_unit", "spell"], name="escalation_org_unit_spell"),
            models.Index(fields=["unit", "spell"], name="escalation_unit_spell"),
        ]

    def __str__(self):
        return f"{self.get_level_display()}（{self.spell:%Y-%m-%d}）"
