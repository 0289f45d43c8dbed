"""Signals documents sends to the apps above it (docs/architecture.md, "How a lower app learns of
a higher one"): the escalation ladder listens for an issued 督办单 and 督办通报."""

import django.dispatch

# sent inside the issuing transaction, after the document is numbered, stored and frozen:
# document_issued.send(sender=IssuedDocument, document=doc)
document_issued = django.dispatch.Signal()
