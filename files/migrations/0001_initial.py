"""files takes over reporting's Attachment without touching its rows: the table keeps its name
(reporting_attachment) and nothing is written to the database here, only the model's state moves.
The three links to higher records (assignment, report, milestone) stay for the moment, with no
reverse name: the owners' own migrations copy them into their many-to-many fields
(tasks 0009, reporting 0004), then files 0002 drops the columns."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("org", "0001_initial"),
        ("tasks", "0008_date_validators"),
        ("reporting", "0003_attachment_used_as_evidence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Attachment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                        (
                            "purpose",
                            models.CharField(
                                choices=[
                                    ("report", "报告附件"),
                                    ("evidence", "办结佐证"),
                                    ("milestone", "节点佐证"),
                                    ("rectification", "整改佐证"),
                                ],
                                default="report",
                                max_length=16,
                            ),
                        ),
                        ("original_name", models.CharField(max_length=200, verbose_name="文件名")),
                        ("content_type", models.CharField(max_length=100)),
                        ("size", models.PositiveBigIntegerField()),
                        ("sm3", models.CharField(max_length=64)),
                        ("storage_name", models.CharField(max_length=200, unique=True)),
                        ("uploaded_at", models.DateTimeField()),
                        ("used_as_evidence", models.BooleanField(default=False, verbose_name="用作办结佐证")),
                        (
                            "org_unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.unit"
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "assignment",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tasks.assignment",
                            ),
                        ),
                        (
                            "milestone",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tasks.milestone",
                            ),
                        ),
                        (
                            "report",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="reporting.progressreport",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "附件",
                        "ordering": ["uploaded_at", "id"],
                        "db_table": "reporting_attachment",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
