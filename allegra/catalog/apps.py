from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "allegra.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
