from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "公文"

    def ready(self):
        from documents import panels

        panels.register()  # its figures and sections on lower apps' pages (core.panels)
