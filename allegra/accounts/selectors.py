"""Reads for the customer's account pages. Every lookup is scoped to the signed-in user, so a public id
belonging to somebody else is simply not found (404), never a "forbidden" that would confirm it exists."""

from uuid import UUID

from django.http import Http404

from allegra.accounts.models import Address, Profile, User


def profile_for(user: User) -> Profile:
    """The user's profile, or an unsaved empty one: profiles are created on first save, never on a read."""
    try:
        return Profile.objects.get(user=user)
    except Profile.DoesNotExist:
        return Profile(user=user)


def addresses_for(user: User) -> list[Address]:
    return list(Address.objects.filter(user=user))


def address_for(user: User, public_id: UUID) -> Address:
    try:
        return Address.objects.get(user=user, public_id=public_id)
    except Address.DoesNotExist:
        raise Http404("No such address.") from None


def address_counts(user: User) -> dict[str, int]:
    """How many addresses of each kind the user keeps: {"shipping": 2, "billing": 1}."""
    counts = dict.fromkeys(Address.Kind.values, 0)
    for kind in Address.objects.filter(user=user).order_by().values_list("kind", flat=True):
        counts[kind] += 1
    return counts
