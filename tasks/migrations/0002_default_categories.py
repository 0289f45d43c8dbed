"""Kept for the migration graph; default categories are seeded by post_migrate (see apps.py)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]
    operations = []  # the default categories are seeded after migrate (apps.py), also after a flush
