from django.db import migrations

CATEGORIES = ["工作作风", "制度落实", "医疗质量", "公共卫生", "安全生产", "党风廉政", "服务群众", "其他"]


def forward(apps, schema_editor):
    ProblemCategory = apps.get_model("rectification", "ProblemCategory")
    for i, name in enumerate(CATEGORIES):
        ProblemCategory.objects.get_or_create(name=name, defaults={"sort_order": i})


class Migration(migrations.Migration):
    dependencies = [("rectification", "0002_initial")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
