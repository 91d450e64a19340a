from django.apps import AppConfig
from django.core import checks


class PrivacyConfig(AppConfig):
    name = "allegra.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from allegra.privacy import registry
        from allegra.privacy.checks import check_personal_data_map
        from allegra.privacy.processors import check_processor_registry
        from allegra.privacy.retention import check_retention_jobs

        # Each app's personal_data module adds its declarations to the map, as admin.py modules do for admin.
        registry.autodiscover()
        checks.register(check_personal_data_map, "privacy")
        checks.register(check_processor_registry, "privacy", checks.Tags.database)
        # Each app registers its retention jobs from its personal_data module (above): every rule used is enforced.
        checks.register(check_retention_jobs, "privacy")
