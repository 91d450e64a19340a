"""Storefront forms. They read GET parameters that anyone can type, so they never reject a page outright:
what they cannot understand is dropped and named in a notice, and the rest still applies.
"""

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from allegra.catalog.models import Metal, Stone
from allegra.catalog.selectors import (
    SORT_NAME,
    SORT_NEWEST,
    SORT_PRICE_ASC,
    SORT_PRICE_DESC,
    ListingFilters,
)

PRICE_LIMIT = Decimal("10000000")
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})

SORT_CHOICES = [
    (SORT_NEWEST, _("Newest")),
    (SORT_PRICE_ASC, _("Price, low to high")),
    (SORT_PRICE_DESC, _("Price, high to low")),
    (SORT_NAME, _("Name, A to Z")),
]
UNKNOWN_CHOICE_NOTICES = {
    "metal": _("A metal we do not know was ignored."),
    "stone": _("A stone we do not know was ignored."),
}


class KnownChoicesField(forms.MultipleChoiceField):
    """Keeps the values it knows and silently drops the others (the form reports them afterwards)."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        values = self.to_python(value)
        return [item for item in dict.fromkeys(values) if self.valid_value(item)]


class PriceField(forms.DecimalField):
    """A euro amount as people type it: "120", "120.50", "120,50" or "€120"."""

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=Decimal(0), max_value=PRICE_LIMIT, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class ListingFilterForm(forms.Form):
    """The filters and sort order of a category or collection page (all GET, all optional)."""

    metal = KnownChoicesField(label=_("Metal"), choices=Metal.choices, required=False)
    stone = KnownChoicesField(label=_("Stone"), choices=Stone.choices, required=False)
    price_min = PriceField(label=_("Minimum price (€)"))
    price_max = PriceField(label=_("Maximum price (€)"))
    in_stock = forms.CharField(label=_("In stock only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data=data if data is not None else {}, **kwargs)
        self.notices: list[str] = []
        self._filters: ListingFilters | None = None

    def clean_in_stock(self) -> bool:
        return str(self.cleaned_data.get("in_stock") or "").strip().lower() in TRUE_WORDS

    def clean(self):
        cleaned = super().clean()
        for name in ("metal", "stone"):
            asked = set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set()
            if asked - set(cleaned.get(name) or []):
                self.notices.append(UNKNOWN_CHOICE_NOTICES[name])
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            cleaned["price_min"], cleaned["price_max"] = high, low
            self.notices.append(_("The minimum price was above the maximum, so the two were swapped."))
        return cleaned

    def filters(self) -> ListingFilters:
        """The filters to apply: every field that was understood; an invalid field counts as not given."""
        if self._filters is None:
            self.is_valid()  # runs clean(), which notes what it dropped
            self._note_invalid_fields()
            data = self.cleaned_data
            self._filters = ListingFilters(
                metals=tuple(data.get("metal") or ()),
                stones=tuple(data.get("stone") or ()),
                price_min=data.get("price_min"),
                price_max=data.get("price_max"),
                in_stock=bool(data.get("in_stock")),
                sort=data.get("sort") or SORT_NEWEST,
            )
        return self._filters

    def _note_invalid_fields(self) -> None:
        if self.errors:
            labels = ", ".join(str(self.fields[name].label) for name in self.errors if name in self.fields)
            self.notices.append(
                format_lazy(_("We could not understand these, so they were ignored: {fields}."), fields=labels)
            )

    def query_items(self) -> list[tuple[str, str]]:
        """The understood filters as GET parameters, for pagination links that keep them (page excluded)."""
        chosen = self.filters()
        items = [("metal", value) for value in chosen.metals] + [("stone", value) for value in chosen.stones]
        if chosen.price_min is not None:
            items.append(("price_min", format(chosen.price_min, "f")))
        if chosen.price_max is not None:
            items.append(("price_max", format(chosen.price_max, "f")))
        if chosen.in_stock:
            items.append(("in_stock", "1"))
        if self.cleaned_data.get("sort"):
            items.append(("sort", chosen.sort))
        return items


class SearchForm(forms.Form):
    """The search box. Any text is a valid query; the engine decides what it can use."""

    q = forms.CharField(label=_("Search"), required=False, strip=True)

    def query(self) -> str:
        if not self.is_valid():
            return ""
        # Control characters have no place in a query and would only end up in the search log.
        return "".join(char for char in self.cleaned_data["q"] if char.isprintable() or char == " ").strip()
