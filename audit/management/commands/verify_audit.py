"""manage.py verify_audit — recompute the SM3 chain of the audit log (R-SEC-3).

Exit code 0 when the chain is intact; 1 with the first bad entry's sequence number otherwise.
"""

from django.core.management.base import BaseCommand

from audit.services import chain_verify


class Command(BaseCommand):
    help = "校验审计日志的SM3链，指出第一条损坏的记录"

    def handle(self, *args, **options):
        result = chain_verify(actor=None)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.message))
            return
        self.stderr.write(self.style.ERROR(result.message))
        self.stderr.write(f"first_bad_seq={result.first_bad_seq}")
        raise SystemExit(1)
