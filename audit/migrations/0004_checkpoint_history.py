"""The checkpoint's history (AuditCheckpoint) and the chain alarm on AuditHead.

Existing entries are copied into the history as they stand (what the writer wrote so far)."""

from django.db import migrations, models

FORWARD_PG = """
CREATE TRIGGER audit_auditcheckpoint_append_only
  BEFORE UPDATE OR DELETE ON audit_auditcheckpoint
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
BACKWARD_PG = "DROP TRIGGER IF EXISTS audit_auditcheckpoint_append_only ON audit_auditcheckpoint;"


def fill_history(apps, schema_editor):
    event = apps.get_model("audit", "AuditEvent")
    checkpoint = apps.get_model("audit", "AuditCheckpoint")
    rows = event.objects.order_by("seq").values_list("seq", "digest")
    batch = []
    for seq, digest in rows.iterator(chunk_size=5000):
        batch.append(checkpoint(seq=seq, digest=digest))
        if len(batch) >= 5000:
            checkpoint.objects.bulk_create(batch)
            batch = []
    checkpoint.objects.bulk_create(batch)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD_PG)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD_PG)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_trigger")]
    operations = [
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False, verbose_name="序号")),
                ("digest", models.CharField(max_length=64)),
            ],
            options={"default_permissions": ()},
        ),
        migrations.AddField(
            model_name="audithead",
            name="alarm_seq",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="异常记录序号"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="alarm",
            field=models.CharField(blank=True, default="", max_length=300, verbose_name="审计链告警"),
        ),
        migrations.AddField(
            model_name="audithead",
            name="alarm_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="告警时间"),
        ),
        migrations.RunPython(fill_history, drop_trigger),
    ]
