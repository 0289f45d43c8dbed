from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ScopedModel


class Attachment(ScopedModel):
    """An uploaded file (R-SEC-4): type checked by content, SM3 digest verified on download,
    stored under a server-side name outside the web root, served only through a scope check.

    A file knows nothing of what it belongs to: the owners hold the relation (many-to-many fields
    on tasks.Assignment, tasks.Milestone, reporting.ProgressReport, rectification.Problem), and each
    owner app tells `files.registry` which files its records make visible."""

    org_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(
        max_length=16,
        default="report",
        choices=[
            ("report", "报告附件"),
            ("evidence", "办结佐证"),
            ("milestone", "节点佐证"),
            ("rectification", "整改佐证"),
        ],
    )
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sm3 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    # a file given earlier (a report's attachment) that the unit picked as 办结佐证 when applying for
    # completion, so it need not upload the same PDF again
    used_as_evidence = models.BooleanField("用作办结佐证", default=False)

    class Meta:
        db_table = "reporting_attachment"  # the table it had when reporting owned it: rows stay
        verbose_name = "附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("files:attachment_download", args=[self.pk])

    @property
    def is_evidence(self) -> bool:
        """The Python twin of EVIDENCE."""
        return self.purpose == "evidence" or self.used_as_evidence


# 办结佐证 of an assignment: uploaded as such, or an earlier file picked as such (Attachment.is_evidence)
EVIDENCE = models.Q(purpose="evidence") | models.Q(used_as_evidence=True)
