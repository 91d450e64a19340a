from django.core.management.base import BaseCommand

from allegra.privacy import exports


class Command(BaseCommand):
    help = (
        "Prints the personal-data map as a fideslang-style manifest (system, privacy declarations, dataset), "
        "with the registry of processors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(exports.FORMATS), default="yaml")

    def handle(self, *args, **options):
        self.stdout.write(exports.dump(exports.data_map_manifest(), fmt=options["format"]), ending="")
