"""The shop's user model, in place from the first migration so that later work never has to swap it.

Customers log in by email; a random `public_id` stands for them wherever a user appears in a URL, so the
sequential primary key never leaves the server (C2).
"""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from allegra.core.fields import EncryptedDateField, EncryptedTextField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(_("public user ID"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    screen_name = models.CharField(_("screen name"), max_length=40, blank=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.screen_name or str(self.public_id)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another gender")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")


class Profile(models.Model):
    """The optional personal details of one customer (C1, C3), created the first time they save it.

    Nothing here is ever needed to buy. Telephone, gender, hometown and date of birth are encrypted at rest
    (R1). The full name stays a plain column: the shop prints it on every invoice and parcel label, staff
    search orders by it, and it is already as visible as the email address; it is declared in the
    personal-data map like every other field.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("user"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    telephone = EncryptedTextField(_("telephone"), blank=True, default="")  # E.164, e.g. +306912345678
    gender = EncryptedTextField(_("gender"), blank=True, default="", choices=Gender.choices)
    hometown = EncryptedTextField(_("hometown"), blank=True, default="")
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(_("Profile of %(user)s") % {"user": self.user})


class Address(models.Model):
    """One address in a customer's address book. Everything that locates or reaches a person is encrypted at
    rest (R1); the label ("Home"), kind and country are not, so the book can be listed and sorted.

    `public_id` is the only identifier that appears in a URL.
    """

    class Kind(models.TextChoices):
        SHIPPING = "shipping", _("Shipping")
        BILLING = "billing", _("Billing")

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SHIPPING)
    label = models.CharField(_("label"), max_length=50, blank=True)
    recipient_name = EncryptedTextField(_("recipient's name"))
    street = EncryptedTextField(_("street"))
    number = EncryptedTextField(_("number"), blank=True, default="")
    city = EncryptedTextField(_("city or town"))
    postcode = EncryptedTextField(_("postcode"))
    region = EncryptedTextField(_("region"), blank=True, default="")
    country = CountryField(_("country"), default="GR")
    telephone = EncryptedTextField(_("telephone"), blank=True, default="")  # E.164
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["kind", "-is_default", "-created_at", "pk"]
        constraints = [
            # At most one default shipping and one default billing address per customer.
            models.UniqueConstraint(
                fields=["user", "kind"], condition=models.Q(is_default=True), name="one_default_address_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.label or str(self.get_kind_display())

    @property
    def postcode_display(self) -> str:
        """Greek postcodes are stored as five digits and written the Greek way, "105 63"."""
        if self.country == "GR" and len(self.postcode) == 5 and self.postcode.isdigit():
            return f"{self.postcode[:3]} {self.postcode[3:]}"
        return self.postcode
