from django.apps import AppConfig


class InstructionsConfig(AppConfig):
    name = "instructions"
    verbose_name = "领导批示"

    def ready(self):
        from files import registry as files_registry
        from instructions import panels, selectors

        panels.register()  # the 批示 sections of the task, problem and document pages (core.panels)
        files_registry.register("instructions.instruction", visible=selectors.instruction_files)
