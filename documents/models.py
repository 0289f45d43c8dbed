from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ScopedModel


class DocumentKind(models.TextChoices):
    ASSIGNMENT_LETTER = "letter", "交办函"
    SUPERVISION_ORDER = "order", "督办单"
    BULLETIN = "bulletin", "督查通报"
    RECTIFICATION_REPORT = "rect_report", "整改情况报告"
    TASK_BULLETIN = "task_bulletin", "督办通报"
    EVALUATION_REPORT = "npc_report", "履职测评结果报告"


LETTER_FORMAT_KINDS = {DocumentKind.ASSIGNMENT_LETTER, DocumentKind.SUPERVISION_ORDER}
# 上行文 (to a higher organ): the 版头 puts 发文字号 on the left and 签发人 on the right (GB/T 9704
# 7.2.4). A 整改情况报告 is reported up to the superior, a 履职测评结果报告 to the people's congress
# that evaluated the department (the organ it answers to); 交办函, 督办单 and the 通报 go down.
UPWARD_KINDS = {DocumentKind.RECTIFICATION_REPORT, DocumentKind.EVALUATION_REPORT}
SYSTEM_DRAFTER = "系统（红色任务督办升级）"


class IssuedDocument(ScopedModel):
    """A generated official document (R-DOC-1..3): drafted from the ledger, editable until issued,
    then numbered (per issuer and year, without gaps), frozen and stored with its SM3 digest."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待签发"
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
    assignments = models.ManyToManyField("tasks.Assignment", blank=True, related_name="documents")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("序号", null=True, blank=True)
    doc_number = models.CharField("发文字号", max_length=40, blank=True)
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 送签: who is asked to sign (None: any leader of the issuer holding the 签发 right)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="指定签发人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("送签时间", null=True, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    storage_name = models.CharField(max_length=200, blank=True)
    sm3 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    # None: drafted by the system (the red-task ladder's 督办单, SYSTEM_DRAFTER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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

    @property
    def drafter_name(self) -> str:
        return self.created_by.full_name if self.created_by_id else SYSTEM_DRAFTER


class DocumentEvent(models.Model):
    """One step of a document's 签发 history: 起草, 送签, 撤回, 退回 (with the leader's comments), 签发."""

    class Kind(models.TextChoices):
        DRAFTED = "drafted", "起草"
        SUBMITTED = "submitted", "送签"
        WITHDRAWN = "withdrawn", "撤回"
        RETURNED = "returned", "退回"
        ISSUED = "issued", "签发"

    document = models.ForeignKey(IssuedDocument, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("环节", max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("时间")
    note = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "公文签发记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
