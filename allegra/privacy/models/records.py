"""The records of processing (GDPR Art. 30): a permission holder, the records themselves are generated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordsOfProcessing(models.Model):
    """No table: gives the admin a place for the records of processing (GDPR Art. 30) and its permission.

    The records are generated from the personal-data map on every view, so there is nothing to store.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_records_of_processing", "Can view the records of processing")]
        verbose_name = _("records of processing")
        verbose_name_plural = _("records of processing")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
