from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "allegra.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from allegra.core import (
            checks,  # noqa: F401 - registers the system checks (allegra.E001)
            schedule,  # noqa: F401 - registers the check that scheduled tasks exist (E010)
        )
