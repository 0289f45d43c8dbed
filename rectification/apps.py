from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "问题整改"

    def ready(self):
        from django.db.models.signals import post_migrate

        from files import registry as files_registry
        from rectification import panels, selectors
        from rectification.choices import DEFAULT_CATEGORIES
        from tasks.apps import seed_categories

        panels.register()  # its figures and sections on supervision's pages (core.panels)
        files_registry.register("rectification.problem", visible=selectors.problem_files)

        post_migrate.connect(
            seed_categories("rectification.ProblemCategory", DEFAULT_CATEGORIES),
            sender=self,
            weak=False,
            dispatch_uid="rectification.seed_categories",
        )
