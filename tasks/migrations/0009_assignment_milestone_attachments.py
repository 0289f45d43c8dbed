"""An assignment and a milestone now hold their files (Assignment.attachments,
Milestone.attachments), filled from the old links on files.Attachment (files 0002 drops them).
A report's file carried its assignment too; a file that named only its report gets the report's
assignment, so "the assignment's files" means what it meant. Reversible."""

from django.db import migrations, models


def copy_links(apps, schema_editor):
    Attachment = apps.get_model("files", "Attachment")
    Assignment = apps.get_model("tasks", "Assignment")
    Milestone = apps.get_model("tasks", "Milestone")
    Report = apps.get_model("reporting", "ProgressReport")
    report_assignment = dict(Report.objects.values_list("pk", "assignment_id"))
    by_assignment, by_milestone = [], []
    rows = Attachment.objects.values_list("pk", "assignment_id", "report_id", "milestone_id")
    for pk, assignment_id, report_id, milestone_id in rows.iterator():
        assignment_id = assignment_id or report_assignment.get(report_id)
        if assignment_id:
            by_assignment.append(
                Assignment.attachments.through(assignment_id=assignment_id, attachment_id=pk)
            )
        if milestone_id:
            by_milestone.append(Milestone.attachments.through(milestone_id=milestone_id, attachment_id=pk))
    Assignment.attachments.through.objects.bulk_create(by_assignment, batch_size=1000)
    Milestone.attachments.through.objects.bulk_create(by_milestone, batch_size=1000)


def restore_links(apps, schema_editor):
    Attachment = apps.get_model("files", "Attachment")
    Assignment = apps.get_model("tasks", "Assignment")
    Milestone = apps.get_model("tasks", "Milestone")
    for link in Assignment.attachments.through.objects.order_by("id").iterator():
        Attachment.objects.filter(pk=link.attachment_id).update(assignment_id=link.assignment_id)
    for link in Milestone.attachments.through.objects.order_by("id").iterator():
        Attachment.objects.filter(pk=link.attachment_id).update(milestone_id=link.milestone_id)


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0008_date_validators"),
        ("files", "0001_initial"),
        ("reporting", "0004_attachment_to_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="attachments",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="files.attachment", verbose_name="附件"
            ),
        ),
        migrations.AddField(
            model_name="milestone",
            name="attachments",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="files.attachment", verbose_name="节点佐证"
            ),
        ),
        migrations.RunPython(copy_links, restore_links),
    ]
