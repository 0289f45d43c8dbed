"""Signals the audit app sends to the apps above it (it never imports them)."""

from django.dispatch import Signal

# sent when the writer or the verifier finds the chain broken: seq (the first bad entry), message
chain_alarm = Signal()
