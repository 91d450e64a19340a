"""`manage.py seed_demo [--products N] [--seed S] [--with-demo-users]`: the demo shop, idempotently.

`make run` calls it on every start: once the catalogue is there, the command only checks that it is (a
fraction of a second) and leaves everything as it is.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from allegra.catalog.demo import catalogue, users
from allegra.catalog.demo.seed import seed_catalogue


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def not_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = _("Seeds the demo jewelry shop: categories, collections, products with pictures, and demo logins.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--products",
            type=positive,
            default=catalogue.DEFAULT_PRODUCTS,
            help=_("How many products the catalogue should hold (default %(default)s).")
            % {"default": catalogue.DEFAULT_PRODUCTS},
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=catalogue.DEFAULT_SEED,
            help=_("Random seed: the same number of products and seed give the same catalogue."),
        )
        parser.add_argument(
            "--with-demo-users",
            action="store_true",
            help=_("Create the demo logins even with DEBUG off (their passwords are public: never in production)."),
        )
        parser.add_argument(
            "--jobs",
            type=not_negative,
            default=None,
            help=_("Processes that paint the product pictures; 0 paints in this one (default: one per CPU but one)."),
        )

    def handle(self, *args, products, seed, with_demo_users, jobs, verbosity, **options):
        if products < 1:
            raise CommandError(_("--products must be at least 1."))
        if products > catalogue.max_products():
            raise CommandError(
                _("The demo catalogue can name at most %(limit)s different products.")
                % {"limit": catalogue.max_products()}
            )
        started = time.perf_counter()
        progress = self.stdout.write if verbosity >= 2 else None
        report = seed_catalogue(products=products, seed=seed, jobs=jobs, progress=progress)
        elapsed = time.perf_counter() - started

        if report.already_seeded:
            self.stdout.write(
                _("Demo catalogue already seeded: %(count)s products kept, nothing added (%(seconds).1f s).")
                % {"count": report.products_kept, "seconds": elapsed}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo catalogue: %(created)s products created (%(variants)s variants, %(images)s images), "
                        "%(kept)s kept; %(painted)s pictures painted, %(reused)s reused; in %(seconds).1f s."
                    )
                    % {
                        "created": report.products_created,
                        "variants": report.variants_created,
                        "images": report.images_created,
                        "kept": report.products_kept,
                        "painted": report.pictures_painted,
                        "reused": report.pictures_reused,
                        "seconds": elapsed,
                    }
                )
            )
            if report.categories_created or report.collections_created:
                self.stdout.write(
                    _("Created %(categories)s categories and %(collections)s collections.")
                    % {"categories": report.categories_created, "collections": report.collections_created}
                )
            if verbosity >= 2:
                for step, seconds in report.timings.items():
                    self.stdout.write(f"  {step}: {seconds:.2f} s")

        if settings.DEBUG or with_demo_users:
            self._demo_users()
        else:
            self.stdout.write(_("Demo logins not created: DEBUG is off (pass --with-demo-users to create them)."))

    def _demo_users(self) -> None:
        outcome = users.ensure_demo_users()
        created = sum(outcome.values())
        self.stdout.write(
            _("Demo logins: %(created)s created, %(kept)s kept.") % {"created": created, "kept": len(outcome) - created}
        )
