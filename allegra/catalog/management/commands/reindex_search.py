from django.core.management.base import BaseCommand

from allegra.catalog.search import index_products


class Command(BaseCommand):
    help = "Rebuilds the catalogue search index (after an import or a change made outside the shop's services)."

    def handle(self, *args, **options):
        indexed = index_products()
        self.stdout.write(f"Indexed {indexed} products.")
