"""`manage.py verify_audit_log`: checks the staff audit log's hash chain; exits 1 at the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from allegra.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verifies the hash chain of the staff audit log and reports the first entry that was tampered with."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit log tampered: entry {report.first_bad_id} is the first that fails ({report.problem}); "
                f"{report.checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {report.checked} entries verified."))
