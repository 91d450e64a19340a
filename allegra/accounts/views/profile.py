"""The customer's own account pages: overview, profile, address book and My privacy.

Thin views: parse the form, call a service, say what happened, redirect. Every page needs a signed-in user
and is marked `private, no-store`, so neither the page cache nor a shared proxy nor the browser's history
keeps a copy of someone's personal data.
"""

from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from allegra.accounts import selectors
from allegra.accounts.forms.profile import AddressForm, ProfileForm, display_telephone
from allegra.accounts.models import Address
from allegra.accounts.services import profile as services
from allegra.consent import selectors as consent_selectors
from allegra.consent.forms import PURPOSE_WITHDRAW_NOTICE, AccountConsentForm
from allegra.consent.purposes import marketing_purposes
from allegra.consent.state import NO_CHOICE
from allegra.privacy.account_views import RestrictionForm
from allegra.privacy.restriction import active_restriction

# Pages of the sign-in side of the account (email, password, deletion) are built separately; each is looked up
# under either spelling of its name and linked only once it exists.
EMAIL_CHANGE = ("accounts:email-change", "accounts:email_change")
PASSWORD_CHANGE = ("accounts:password-change", "accounts:password_change")
ACCOUNT_DELETE = ("accounts:delete",)


def url_or_none(*names: str) -> str | None:
    """The URL of the first of `names` that exists, or None while none does."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


# The account navigation, in order: (url names, label). Pages that do not exist are left out.
ACCOUNT_NAV = [
    (("accounts:home",), gettext_lazy("Overview")),
    (("accounts:profile",), gettext_lazy("Profile")),
    (("accounts:addresses",), gettext_lazy("Addresses")),
    (("orders_account:list",), gettext_lazy("My orders")),
    (("wishlist:list",), gettext_lazy("Wish list")),
    (EMAIL_CHANGE, gettext_lazy("Email")),
    (PASSWORD_CHANGE, gettext_lazy("Password")),
    (("accounts:privacy",), gettext_lazy("My privacy")),
    (("privacy_requests:account-list",), gettext_lazy("Privacy requests")),
]


def account_nav(current: str) -> list[dict]:
    links = []
    for names, label in ACCOUNT_NAV:
        url = url_or_none(*names)
        if url is not None:
            links.append({"url": url, "label": label, "current": current in names})
    return links


def account_page(view):
    """Signed-in users only; the answer is never stored by any cache (the redirect to login neither)."""

    @cache_control(private=True, no_store=True)
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapper


def render_account(request, template: str, current: str, context: dict | None = None):
    context = {"account_nav": account_nav(current), **(context or {})}
    return render(request, template, context)


@account_page
def home(request):
    profile = selectors.profile_for(request.user)
    return render_account(
        request,
        "accounts/profile/home.html",
        "accounts:home",
        {
            "profile": profile,
            "telephone": display_telephone(profile.telephone),
            "address_counts": selectors.address_counts(request.user),
            "email_change_url": url_or_none(*EMAIL_CHANGE),
            "password_change_url": url_or_none(*PASSWORD_CHANGE),
        },
    )


@account_page
@require_http_methods(["GET", "POST"])
def profile(request):
    current = selectors.profile_for(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.update_profile(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
        messages.error(request, _("Your profile was not saved: please correct the fields marked below."))
    else:
        form = ProfileForm(
            initial={
                "full_name": current.full_name,
                "telephone": display_telephone(current.telephone),
                "gender": current.gender,
                "hometown": current.hometown,
                "date_of_birth": current.date_of_birth,
            }
        )
    return render_account(request, "accounts/profile/profile.html", "accounts:profile", {"form": form})


@account_page
def addresses(request):
    book = selectors.addresses_for(request.user)
    for address in book:
        address.telephone_display = display_telephone(address.telephone)
    sections = [
        {"kind": kind, "label": label, "addresses": [a for a in book if a.kind == kind]}
        for kind, label in Address.Kind.choices
    ]
    return render_account(
        request, "accounts/profile/addresses.html", "accounts:addresses", {"sections": sections, "book": book}
    )


@account_page
@require_http_methods(["GET", "POST"])
def address_add(request):
    if request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            try:
                services.create_address(user=request.user, **form.cleaned_data)
            except services.AddressBookFull:
                form.add_error(
                    None,
                    _("Your address book is full (%(limit)s addresses): delete one you no longer use first.")
                    % {"limit": services.MAX_ADDRESSES},
                )
            else:
                messages.success(request, _("The address has been added to your address book."))
                return redirect("accounts:addresses")
        messages.error(request, _("The address was not saved: please correct the fields marked below."))
    else:
        initial = {}
        if request.GET.get("kind") in Address.Kind.values:
            initial["kind"] = request.GET["kind"]
        form = AddressForm(initial=initial)
    return render_account(
        request, "accounts/profile/address_form.html", "accounts:addresses", {"form": form, "address": None}
    )


@account_page
@require_http_methods(["GET", "POST"])
def address_edit(request, public_id: UUID):
    address = selectors.address_for(request.user, public_id)
    if request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            services.update_address(address=address, **form.cleaned_data)
            messages.success(request, _("The address has been saved."))
            return redirect("accounts:addresses")
        messages.error(request, _("The address was not saved: please correct the fields marked below."))
    else:
        initial = {name: getattr(address, name) for name in services.ADDRESS_FIELDS}
        initial["country"] = address.country.code
        initial["telephone"] = display_telephone(address.telephone)
        initial["is_default"] = address.is_default
        form = AddressForm(initial=initial)
    return render_account(
        request, "accounts/profile/address_form.html", "accounts:addresses", {"form": form, "address": address}
    )


@account_page
@require_http_methods(["GET", "POST"])
def address_delete(request, public_id: UUID):
    """GET asks for confirmation; only the POST from that page deletes."""
    address = selectors.address_for(request.user, public_id)
    if request.method == "POST":
        services.delete_address(address=address)
        messages.success(request, _("The address has been deleted."))
        return redirect("accounts:addresses")
    return render_account(request, "accounts/profile/address_delete.html", "accounts:addresses", {"address": address})


@account_page
@require_POST
def address_set_default(request, public_id: UUID):
    address = selectors.address_for(request.user, public_id)
    services.set_default_address(address=address)
    if address.kind == Address.Kind.BILLING:
        messages.success(request, _("This is now your default billing address."))
    else:
        messages.success(request, _("This is now your default shipping address."))
    return redirect("accounts:addresses")


@account_page
def privacy(request):
    profile = selectors.profile_for(request.user)
    # The account's cookie choices, newest first (one query): the first is the choice in force. An account that
    # never chose shows this browser's choice, if any, in the form.
    consent_history = consent_selectors.history_for(user=request.user)
    in_force = consent_history[0] if consent_history else None
    browser = getattr(request, "consent", NO_CHOICE)
    consent_form = AccountConsentForm(
        initial={
            "performance": in_force.performance if in_force else browser.performance,
            "advertising": in_force.advertising if in_force else browser.advertising,
        }
    )
    # Consents to other purposes (newsletter, personalisation, contests), newest first (one query): the latest of
    # each purpose is in force, and a marketing purpose in force can be withdrawn here with one click (U2).
    purpose_history = consent_selectors.purpose_history_for(user=request.user)
    purposes_in_force = consent_selectors.purposes_in_force(purpose_history)
    marketing_choices = [
        {"purpose": purpose, "record": purposes_in_force.get(purpose.key)} for purpose in marketing_purposes()
    ]
    return render_account(
        request,
        "accounts/profile/privacy.html",
        "accounts:privacy",
        {
            "profile": profile,
            "has_profile": profile.pk is not None,
            "address_counts": selectors.address_counts(request.user),
            "consent_history": consent_history,
            "consent_in_force": in_force,
            "consent_form": consent_form,
            "purpose_history": purpose_history,
            "marketing_choices": marketing_choices,
            "purpose_withdraw_notice": PURPOSE_WITHDRAW_NOTICE,
            "what_we_collect_url": url_or_none("privacy:what-we-collect"),
            "delete_account_url": url_or_none(*ACCOUNT_DELETE),
            "data_copy_url": url_or_none("privacy_account:copy-start"),
            # Restriction of processing (R3.restrict): the one in force, if any (one query).
            "restriction": active_restriction(user=request.user),
            "restriction_form": RestrictionForm(),
        },
    )
