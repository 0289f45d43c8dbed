"""surveys' listeners on other apps' signals: an issued 履职测评结果报告 finishes its 履职测评
(documents.signals.document_issued, sent inside the issuing transaction). Imported once from
SurveysConfig.ready(), which also makes this the place the 履职测评's files register their owner
(files.registry: a self-report's or a meeting's file is visible with its evaluation)."""

from __future__ import annotations

from django.dispatch import receiver

from documents.models import DocumentKind
from documents.signals import document_issued
from files import registry as files_registry
from surveys import evaluation_timeline


@receiver(document_issued, dispatch_uid="surveys.evaluation_finished")
def on_document_issued(sender, document, **kwargs) -> None:
    if document.kind == DocumentKind.EVALUATION_REPORT:
        from surveys import evaluation

        evaluation.finish(document)


files_registry.register("surveys.evaluation", visible=evaluation_timeline.self_report_files)
files_registry.register("surveys.evaluation_meeting", visible=evaluation_timeline.meeting_files)
