from django.apps import AppConfig


def seed_categories(model_label: str, names: list[str]):
    """post_migrate handler factory: an editable list starts with its defaults when empty (also after a
    test database flush)."""

    def handler(**kwargs):
        from django.apps import apps

        model = apps.get_model(model_label)
        if not model.objects.exists():
            model.objects.bulk_create(model(name=n, sort_order=i) for i, n in enumerate(names))

    return handler


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = "任务督办"

    def ready(self):
        from django.db.models.signals import post_migrate

        from files import registry as files_registry
        from tasks import selectors_detail
        from tasks.choices import DEFAULT_CATEGORIES

        # the files an assignment and a milestone hold, and who may open them (files.registry)
        files_registry.register(
            "tasks.assignment",
            visible=selectors_detail.assignment_files,
            back_url=selectors_detail.assignment_file_page,
        )
        files_registry.register(
            "tasks.milestone",
            visible=selectors_detail.milestone_files,
            back_url=selectors_detail.milestone_file_page,
        )

        post_migrate.connect(
            seed_categories("tasks.TaskCategory", DEFAULT_CATEGORIES),
            sender=self,
            weak=False,
            dispatch_uid="tasks.seed_categories",
        )
