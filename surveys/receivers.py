"""surveys' listeners on other apps' signals (e.g. documents.signals.document_issued finishing a
履职测评): filled by the 履职测评 work."""
