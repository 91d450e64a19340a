"""The analytics app in the personal-data map: its search log describes searches, never searchers."""

from allegra.privacy.registry import personal_data_map

personal_data_map.declare_no_personal_data(
    "analytics.SearchRecord",
    reason="Holds the normalised words of a search, its language, result count and time; no user, session, "
    "IP address or other identifier of the visitor (U5).",
)
