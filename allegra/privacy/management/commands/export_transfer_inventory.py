"""`manage.py export_transfer_inventory`: the business-transfer inventory (S4), now or as recorded earlier."""

from django.core.management.base import BaseCommand, CommandError

from allegra.privacy import transfers
from allegra.privacy.models import TransferInventory


class Command(BaseCommand):
    help = (
        "Prints the business-transfer inventory: per model of the personal-data map, its categories, rows, "
        "subjects, retention, legal bases and encryption at rest. --record keeps it; --snapshot N prints a kept one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(transfers.FORMATS), default="json")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--record", action="store_true", help="Keep this inventory as a recorded snapshot.")
        group.add_argument("--snapshot", type=int, help="Print the recorded snapshot with this number.")

    def handle(self, *args, **options):
        if options["snapshot"] is not None:
            snapshot = TransferInventory.objects.filter(pk=options["snapshot"]).first()
            if snapshot is None:
                raise CommandError(f"No recorded inventory number {options['snapshot']}.")
            document = snapshot.content
        elif options["record"]:
            snapshot = transfers.record_inventory(actor=None)
            document = snapshot.content
            self.stderr.write(f"Recorded as inventory number {snapshot.pk}.")
        else:
            document = transfers.build_inventory()
        self.stdout.write(transfers.dump(document, fmt=options["format"]), ending="")
