from django.apps import AppConfig


class InstructionsConfig(AppConfig):
    name = "instructions"
    verbose_name = "领导批示"

    def ready(self):
        from instructions import panels

        panels.register()  # the 批示 sections of the task, problem and document pages (core.panels)
