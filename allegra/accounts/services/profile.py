"""Writes to the customer's profile and address book. Each runs in one transaction; the values arrive
already validated and normalised by the forms (telephone in E.164, Greek postcode as five digits)."""

import datetime

from django.db import transaction
from django.db.models import F

from allegra.accounts.models import Address, Profile, User

ADDRESS_FIELDS = (
    "kind",
    "label",
    "recipient_name",
    "street",
    "number",
    "city",
    "postcode",
    "region",
    "country",
    "telephone",
)


@transaction.atomic
def update_profile(
    *,
    user: User,
    full_name: str = "",
    telephone: str = "",
    gender: str = "",
    hometown: str = "",
    date_of_birth: datetime.date | None = None,
) -> Profile:
    """Saves the profile, creating it on first use (a profile is never needed to buy)."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.full_name = full_name
    profile.telephone = telephone
    profile.gender = gender
    profile.hometown = hometown
    profile.date_of_birth = date_of_birth
    profile.save()
    return profile


def _lock_book(user_id: int) -> None:
    """Serialises changes to one customer's defaults: two tabs setting defaults at once queue here."""
    list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))


def _make_default(address: Address) -> None:
    Address.objects.filter(user_id=address.user_id, kind=address.kind, is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )
    # Written whatever the instance says: it may be stale (another address became the default since).
    Address.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True


def _promote_newest(user_id: int, kind: str) -> None:
    """Gives a kind without a default one again: the most recently added address of that kind."""
    if Address.objects.filter(user_id=user_id, kind=kind, is_default=True).exists():
        return
    newest = Address.objects.filter(user_id=user_id, kind=kind).order_by(F("created_at").desc(), "-pk").first()
    if newest is not None:
        Address.objects.filter(pk=newest.pk).update(is_default=True)


# Far more than anyone ships to; a bound keeps a script from filling the table through one account.
MAX_ADDRESSES = 30


class AddressBookFull(Exception):
    """The customer already keeps MAX_ADDRESSES addresses."""


@transaction.atomic
def create_address(*, user: User, is_default: bool = False, **values) -> Address:
    """Adds an address; the first of its kind becomes the default whatever the box said."""
    _lock_book(user.pk)
    if Address.objects.filter(user=user).count() >= MAX_ADDRESSES:
        raise AddressBookFull
    address = Address(user=user, **{name: values[name] for name in ADDRESS_FIELDS if name in values})
    first_of_kind = not Address.objects.filter(user=user, kind=address.kind).exists()
    address.save()
    if is_default or first_of_kind:
        _make_default(address)
    return address


@transaction.atomic
def update_address(*, address: Address, is_default: bool = False, **values) -> Address:
    """Changes an address. Moving it to the other kind hands its old kind's default on to another one."""
    _lock_book(address.user_id)
    old_kind = address.kind
    for name in ADDRESS_FIELDS:
        if name in values:
            setattr(address, name, values[name])
    if address.kind != old_kind and address.is_default:
        # It leaves its old kind; it is the default of the new kind only if asked (or if it is the first).
        address.is_default = False
    address.save()
    first_of_kind = (
        not Address.objects.filter(user_id=address.user_id, kind=address.kind).exclude(pk=address.pk).exists()
    )
    if is_default or first_of_kind:
        _make_default(address)
    _promote_newest(address.user_id, old_kind)
    return address


@transaction.atomic
def delete_address(*, address: Address) -> None:
    _lock_book(address.user_id)
    user_id, kind = address.user_id, address.kind
    address.delete()
    _promote_newest(user_id, kind)


@transaction.atomic
def set_default_address(*, address: Address) -> Address:
    _lock_book(address.user_id)
    _make_default(address)
    return address
