from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _analyze_after_migrate(sender, using="default", plan=None, **kwargs):
    """After `migrate` (which passes its plan, [] when nothing was applied). Not after `flush`
    (no plan): its tables are empty, and ANALYZE of an empty table erases that table's statistics."""
    if plan is None:
        return
    from core.db import analyze

    analyze(using)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"

    def ready(self):
        # sent once per app after all migrations ran: the statistics are refreshed once, at the end
        post_migrate.connect(_analyze_after_migrate, sender=self, dispatch_uid="core.analyze_after_migrate")
