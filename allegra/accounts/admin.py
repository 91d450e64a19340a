from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from allegra.accounts.models import Address, Profile, User


class ProfileInline(admin.StackedInline):
    """The customer's optional profile on their user page (the values are decrypted for display)."""

    model = Profile
    can_delete = False
    max_num = 1
    extra = 0
    fields = ["full_name", "telephone", "gender", "hometown", "date_of_birth", "updated_at"]
    readonly_fields = ["updated_at"]


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = [
        "public_id",
        "kind",
        "is_default",
        "label",
        "recipient_name",
        "street",
        "number",
        "postcode",
        "city",
        "region",
        "country",
        "telephone",
    ]
    readonly_fields = ["public_id"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "screen_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "screen_name"]
    readonly_fields = ["public_id", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        ("Profile", {"fields": ["screen_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    inlines = [ProfileInline, AddressInline]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_inlines(self, request, obj):
        # A new user has neither profile nor addresses yet; the add page stays email and password only.
        return self.inlines if obj is not None else []
