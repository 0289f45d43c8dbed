"""The links now live with their owners (tasks 0009, reporting 0004): drop the columns, so a file
points at nothing above it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("files", "0001_initial"),
        ("tasks", "0009_assignment_milestone_attachments"),
        ("reporting", "0004_attachment_to_files"),
    ]

    operations = [
        migrations.RemoveField(model_name="attachment", name="assignment"),
        migrations.RemoveField(model_name="attachment", name="milestone"),
        migrations.RemoveField(model_name="attachment", name="report"),
    ]
