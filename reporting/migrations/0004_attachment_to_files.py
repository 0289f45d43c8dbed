"""Attachment moves to the files app (its table stays; files 0001 took over the state), and a
report now holds its files: ProgressReport.attachments, filled from the old Attachment.report
link (files 0002 drops that column). Reversible: going back writes the link again."""

from django.db import migrations, models


def copy_report_links(apps, schema_editor):
    Attachment = apps.get_model("files", "Attachment")
    Report = apps.get_model("reporting", "ProgressReport")
    Through = Report.attachments.through
    rows = Attachment.objects.filter(report_id__isnull=False).values_list("pk", "report_id")
    Through.objects.bulk_create(
        [Through(progressreport_id=report_id, attachment_id=pk) for pk, report_id in rows.iterator()],
        batch_size=1000,
    )


def restore_report_links(apps, schema_editor):
    Attachment = apps.get_model("files", "Attachment")
    Report = apps.get_model("reporting", "ProgressReport")
    for link in Report.attachments.through.objects.order_by("id").iterator():
        Attachment.objects.filter(pk=link.attachment_id).update(report_id=link.progressreport_id)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_attachment_used_as_evidence"),
        ("files", "0001_initial"),
        ("rectification", "0007_evidence_files_attachment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Attachment")],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="progressreport",
            name="attachments",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="files.attachment", verbose_name="附件"
            ),
        ),
        migrations.RunPython(copy_report_links, restore_report_links),
    ]
