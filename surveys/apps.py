from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "满意度测评与履职测评"

    def ready(self):
        from surveys import panels, receivers  # noqa: F401 — receivers: documents.signals listeners

        panels.register()  # the survey item of a problem made from a low item (core.panels)
