from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "执行报告"

    def ready(self):
        from files import registry as files_registry
        from reporting import panels, selectors

        panels.register()  # the reports on the task pages of tasks (core.panels)
        files_registry.register("reporting.report", visible=selectors.report_files)
