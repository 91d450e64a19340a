"""The analytics app in the personal-data map: its search log describes searches, never searchers."""

from allegra.privacy.registry import Erasure, LegalBasis, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field
from allegra.privacy.retention import RetentionJob, register

personal_data_map.declare_no_personal_data(
    "analytics.SearchRecord",
    reason="Holds the normalised words of a search, its language, result count and time; no user, session, "
    "IP address or other identifier of the visitor (U5).",
)

personal_data_map.declare_no_personal_data(
    "analytics.DailyAggregate",
    reason="Daily counts per page, product, search or device kind; no visitor id, IP address or time of day.",
)

# Raw events of visitors who allowed performance cookies (C6, K2): pseudonymous, tied to no account.
EVENT = {
    "subject": "visitor",
    "clause": "C6",
    "legal_basis": LegalBasis.CONSENT,
    "retention": Retention.RAW_ANALYTICS,
    "erasure": Erasure.DELETE,
    "uses": ["analytics.reporting.content_performance"],
}

personal_data_map.declare(
    "analytics.Event",
    subject_path=None,
    technical_fields=["id", "kind", "language", "result_count"],
    fields=[
        Field(
            field="visitor",
            category="user.device.cookie_id",
            description_el="Ο τυχαίος κωδικός του cookie απόδοσης του φυλλομετρητή σας.",
            description_en="The random id in your browser's performance cookie.",
            **EVENT,
        ),
        Field(
            field="occurred_at",
            category="user.behavior.browsing_history",
            description_el="Πότε επισκεφθήκατε μια σελίδα ή κάνατε κλικ.",
            description_en="When you visited a page or clicked.",
            **EVENT,
        ),
        Field(
            field="path",
            category="user.behavior.browsing_history",
            description_el="Ποια σελίδα του καταστήματος είδατε.",
            description_en="Which page of the shop you viewed.",
            **EVENT,
        ),
        Field(
            field="product",
            category="user.behavior.browsing_history",
            description_el="Ποιο κόσμημα είδατε, πατήσατε ή βάλατε στο καλάθι.",
            description_en="Which piece you viewed, clicked or put in your cart.",
            **EVENT,
        ),
        Field(
            field="search_query",
            category="user.behavior.search_history",
            description_el="Τι αναζητήσατε.",
            description_en="What you searched for.",
            **EVENT,
        ),
        Field(
            field="result_position",
            category="user.behavior.search_history",
            description_el="Ποιο αποτέλεσμα αναζήτησης πατήσατε.",
            description_en="Which search result you clicked.",
            **EVENT,
        ),
        Field(
            field="value",
            category="user.behavior.purchase_history",
            description_el="Το ποσό μιας αγοράς.",
            description_en="The amount of a purchase.",
            **EVENT,
        ),
        Field(
            field="device_type",
            category="user.device",
            description_el="Το είδος της συσκευής σας (υπολογιστής, κινητό, tablet).",
            description_en="Your kind of device (desktop, mobile, tablet).",
            **EVENT,
        ),
        Field(
            field="browser",
            category="user.device",
            description_el="Ο φυλλομετρητής σας.",
            description_en="Your browser.",
            **EVENT,
        ),
        Field(
            field="os",
            category="user.device",
            description_el="Το λειτουργικό σύστημα της συσκευής σας.",
            description_en="Your device's operating system.",
            **EVENT,
        ),
        Field(
            field="country",
            category="user.location.imprecise",
            description_el="Η χώρα σας, όπως προκύπτει από τη γλώσσα και τη ζώνη ώρας σας.",
            description_en="Your country, as your language and time zone suggest.",
            **EVENT,
        ),
        Field(
            field="referrer_domain",
            category="user.behavior.browsing_history",
            description_el="Ο ιστότοπος από τον οποίο ήρθατε (μόνο το όνομά του).",
            description_en="The site you came from (its domain only).",
            **EVENT,
        ),
        Field(
            field="ip_truncated",
            category="user.device.ip_address",
            description_el="Η διεύθυνση IP σας, περικομμένη (χωρίς το τελευταίο της τμήμα).",
            description_en="Your IP address, truncated (its last part removed).",
            **EVENT,
        ),
    ],
)


def _purge(*, now, dry_run):
    from allegra.analytics.aggregation import purge_raw_records

    return purge_raw_records(now=now, dry_run=dry_run)


# Retention (R2): the job `manage.py enforce_retention` runs for this app's rules.
register(
    RetentionJob(
        "analytics-raw",
        (Retention.RAW_ANALYTICS, Retention.SEARCH_LOG),
        _purge,
        "raw events and searches aggregated, then deleted after 13 months",
    )
)
