"""`manage.py ensure_staff_roles`: creates the staff role groups and sets their rights (run after migrate)."""

from django.core.management.base import BaseCommand

from allegra.accounts.roles import ensure_staff_roles, permissions_for


class Command(BaseCommand):
    help = "Creates the staff roles (groups) and sets each to exactly the rights in allegra/accounts/roles.py."

    def handle(self, *args, **options):
        for name, group in ensure_staff_roles().items():
            self.stdout.write(f"{name}: {len(permissions_for(name))} permissions (group {group.pk})")
