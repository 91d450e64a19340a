"""`manage.py ensure_processors`: gives every processor of the personal-data map a row in the registry of
processors (S1), from the map's own declaration. Run after migrate, like ensure_staff_roles; safe to repeat."""

from django.core.management.base import BaseCommand

from allegra.privacy.processors import ensure_processor_agreements


class Command(BaseCommand):
    help = "Creates a processor agreement row for each processor of the personal-data map that has none."

    def handle(self, *args, **options):
        created = ensure_processor_agreements()
        for agreement in created:
            self.stdout.write(f"Added {agreement.key}: record its agreement date and reference in the back office.")
        if not created:
            self.stdout.write("Every processor of the map has a row in the registry.")
