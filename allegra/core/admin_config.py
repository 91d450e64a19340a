"""Installs the back office's own admin site (two-factor required) as `django.contrib.admin.site`.

Kept apart from `admin_site.py` because app configs are imported before models are ready, and the site
module imports django-otp's forms, which import models.
"""

from django.contrib.admin.apps import AdminConfig


class BackofficeAdminConfig(AdminConfig):
    default_site = "allegra.core.admin_site.BackofficeAdminSite"
