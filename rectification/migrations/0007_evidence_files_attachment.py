"""Problem.evidence now points at files.Attachment: the same table (reporting_attachment) and the
same through table, so only the state changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0006_problem_date_validators"),
        ("files", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="problem",
                    name="evidence",
                    field=models.ManyToManyField(
                        blank=True, related_name="+", to="files.attachment", verbose_name="整改佐证"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
