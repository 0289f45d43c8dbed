from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ScopedModel


class DocumentKind(models.TextChoices):
    ASSIGNMENT_LETTER = "letter", "交办函"
    SUPERVISION_ORDER = "order", "督办单"
    BULLETIN = "bulletin", "督查通报"
    RECTIFICATION_REPORT = "rect_report", "整改情况报告"


LETTER_FORMAT_KINDS = {DocumentKind.ASSIGNMENT_LETTER, DocumentKind.SUPERVISION_ORDER}


class IssuedDocument(ScopedModel):
    """A generated official document (R-DOC-1..3): drafted from the ledger, editable until issued,
    then numbered (per issuer and year, without gaps), frozen and stored with its SM3 digest."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已签发"

    org_unit = models.ForeignKey(
        "org.Unit", verbose_name="发文机关", on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "org.Unit",
        verbose_name="主送单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_documents",
    )
    kind = models.CharField("文种", max_length=16, choices=DocumentKind.choices)
    title = models.CharField("标题", max_length=200)
    addressee = models.CharField("主送机关", max_length=200)
    body = models.JSONField("正文", default=list)  # [[kind, text], …] kind: p/h1/h2/h3/h4, or ["table", rows]
    attachments = models.JSONField("附件说明", default=list, blank=True)
    cc = models.JSONField("抄送", default=list, blank=True)
    note = models.CharField("附注", max_length=200, blank=True)
    params = models.JSONField("生成参数", default=dict, blank=True)
    data_as_of = models.DateTimeField("数据截至")
    campaign = models.ForeignKey(
        "supervision.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    problems = models.ManyToManyField("rectification.Problem", blank=True, related_name="documents")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("序号", null=True, blank=True)
    doc_number = models.CharField("发文字号", max_length=40, blank=True)
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("成文日期", null=True, blank=True)
    storage_name = models.CharField(max_length=200, blank=True)
    sm3 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    scope_unit_fields = ("org_unit", "recipient")

    class Meta:
        verbose_name = "公文"
        ordering = ["-created_at", "-id"]
        permissions = [("issue_issueddocument", "签发公文")]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year", "number"],
                condition=models.Q(number__isnull=False),
                name="documents_number_unique_per_issuer_year",
            ),
        ]

    def __str__(self):
        return f"{self.doc_number or '（草稿）'} {self.title}"

    def get_absolute_url(self):
        return reverse("documents:document_detail", args=[self.pk])
