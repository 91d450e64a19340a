from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "allegra.accounts"
    label = "accounts"
    verbose_name = "Accounts"
