from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "红色任务督办升级"

    def ready(self):
        from documents.signals import document_issued
        from escalation import panels, receivers

        panels.register()  # the 督办升级 section of the task page (core.panels)
        document_issued.connect(
            receivers.on_document_issued, weak=False, dispatch_uid="escalation.document_issued"
        )
