from django.db import migrations

CATEGORIES = ["医改", "疾病防控", "应急处置", "公共卫生", "党的建设", "党风廉政", "法治建设", "意识形态", "信访", "其他"]


def forward(apps, schema_editor):
    TaskCategory = apps.get_model("tasks", "TaskCategory")
    for i, name in enumerate(CATEGORIES):
        TaskCategory.objects.get_or_create(name=name, defaults={"sort_order": i})


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
