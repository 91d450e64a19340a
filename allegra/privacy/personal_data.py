"""Entries in the personal-data map for the privacy app's own models, and for installed third-party apps whose
models belong to a person.

Django's admin log and django-otp's devices hang off the user model; their apps ship no personal_data module,
so the privacy app declares them here. They concern staff (two-factor devices, back-office actions).
"""

from allegra.privacy.registry import Erasure, FoundBy, LegalBasis, Pseudonym, Retention, personal_data_map
from allegra.privacy.registry import PersonalDataField as Field
from allegra.privacy.retention import RetentionJob, register

STAFF_SECURITY = {
    "subject": "employee",
    "uses": ["essential.service.security"],
    "clause": "C2",
    "legal_basis": LegalBasis.LEGITIMATE_INTERESTS,
    "erasure": Erasure.DELETE,
}
DEVICE_TECHNICAL = [
    "id",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
]

personal_data_map.declare(
    "admin.LogEntry",
    subject_path="user",
    technical_fields=["id", "action_time", "content_type", "object_id", "action_flag"],
    fields=[
        Field(
            field="object_repr",
            category="system.operations",
            retention=Retention.SECURITY_LOGS,
            description_el="Τι άλλαξε ένα μέλος του προσωπικού στο σύστημα διαχείρισης (όνομα της εγγραφής).",
            description_en="What a staff member changed in the back office (the record's name).",
            **STAFF_SECURITY,
        ),
        Field(
            field="change_message",
            category="system.operations",
            retention=Retention.SECURITY_LOGS,
            description_el="Ποια πεδία άλλαξε ένα μέλος του προσωπικού.",
            description_en="Which fields a staff member changed.",
            **STAFF_SECURITY,
        ),
    ],
)

personal_data_map.declare(
    "otp_totp.TOTPDevice",
    subject_path="user",
    technical_fields=[*DEVICE_TECHNICAL, "step", "t0", "digits", "tolerance", "drift", "last_t"],
    fields=[
        Field(
            field="name",
            category="user.authorization",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            description_el="Το όνομα της εφαρμογής ελέγχου ταυτότητας δύο παραγόντων ενός μέλους του προσωπικού.",
            description_en="The name of a staff member's two-factor authenticator app.",
            **STAFF_SECURITY,
        ),
        Field(
            field="key",
            category="user.authorization.credentials",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            secret=True,
            description_el="Το μυστικό κλειδί της εφαρμογής ελέγχου ταυτότητας δύο παραγόντων.",
            description_en="The secret key of the two-factor authenticator app.",
            **STAFF_SECURITY,
        ),
    ],
)

personal_data_map.declare(
    "otp_static.StaticDevice",
    subject_path="user",
    technical_fields=DEVICE_TECHNICAL,
    fields=[
        Field(
            field="name",
            category="user.authorization",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            description_el="Το όνομα της λίστας κωδικών ανάκτησης ενός μέλους του προσωπικού.",
            description_en="The name of a staff member's list of recovery codes.",
            **STAFF_SECURITY,
        ),
    ],
)

personal_data_map.declare(
    "otp_static.StaticToken",
    subject_path="device__user",
    technical_fields=["id"],
    fields=[
        Field(
            field="token",
            category="user.authorization.credentials",
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            secret=True,
            description_el="Ένας κωδικός ανάκτησης για τη σύνδεση δύο παραγόντων.",
            description_en="A recovery code for two-factor login.",
            **STAFF_SECURITY,
        ),
    ],
)

# The privacy centre's own records: data-subject requests are kept 24 months after they close, to show how each
# was answered (R2, GDPR Art. 5(2)); erasing the person keeps them, detached, for that time.
REQUEST_RECORD = {
    "subject": "customer",
    "uses": ["essential.legal_obligation"],
    "legal_basis": LegalBasis.LEGAL_OBLIGATION,
    "retention": Retention.SUBJECT_REQUESTS,
    "erasure": Erasure.LEGAL_HOLD,
}

personal_data_map.declare(
    "privacy.SubjectRequest",
    subject_path="user",
    # A guest's requests are found by their address's keyed hash (requests.EMAIL_INDEX_PURPOSE).
    found_by=[FoundBy(field="email_index", blind_index_purpose="privacy.request-email")],
    technical_fields=[
        "id",
        "reference",
        "public_id",
        "state",
        "channel",
        "language",
        "verification",
        "verification_attempts",
        "verified_at",
        "paused_days",
        "due_at",
        "extended_at",
        "extension_reason",
        "closed_at",
        "outcome",
        "denial_reason",
        "denial_text",
        "result_note",
    ],
    fields=[
        Field(
            field="email",
            category="user.contact.email",
            clause="C1",
            description_el="Η διεύθυνση email που δώσατε με το αίτημα, για να σας απαντήσουμε.",
            description_en="The email address you gave with the request, to answer you.",
            **REQUEST_RECORD,
        ),
        Field(
            field="email_index",
            category="user.unique_id.pseudonymous",
            clause="C1",
            description_el="Ένα κλειδωμένο αποτύπωμα (hash) της διεύθυνσης email, για να βρίσκουμε τα αιτήματά της.",
            description_en="A keyed hash of the email address, to find its requests.",
            **REQUEST_RECORD,
        ),
        Field(
            field="name",
            category="user.name",
            clause="C1",
            description_el="Το όνομα που δώσατε με το αίτημα.",
            description_en="The name you gave with the request.",
            **REQUEST_RECORD,
        ),
        Field(
            field="kind",
            category="user.privacy_preferences",
            clause="C7",
            description_el="Τι ζητήσατε (πρόσβαση, αντίγραφο, διόρθωση, διαγραφή, περιορισμό, διακοπή μάρκετινγκ).",
            description_en="What you asked for (access, a copy, correction, deletion, restriction, no marketing).",
            **REQUEST_RECORD,
        ),
        Field(
            field="details",
            category="user.content.private",
            clause="C7",
            description_el="Όσα γράψατε στο αίτημα (π.χ. τι να διορθωθεί).",
            description_en="What you wrote in the request (for example what to correct).",
            **REQUEST_RECORD,
        ),
        Field(
            field="received_at",
            category="user.privacy_preferences",
            clause="C7",
            description_el="Πότε λάβαμε το αίτημα.",
            description_en="When we received the request.",
            **REQUEST_RECORD,
        ),
    ],
)

personal_data_map.declare(
    "privacy.RequestEvent",
    subject_path="request__user",
    # The steps hold states, times and who acted (staff, or the person); notes are written to hold no personal data.
    technical_fields=["id", "request", "at", "from_state", "to_state", "actor", "actor_kind", "note"],
)

# The privacy centre's own data: the suppression list holds a keyed hash of an erased person's address, so that
# marketing never reaches it again (R3); nothing else about them.
personal_data_map.declare(
    "privacy.SuppressionEntry",
    subject_path=None,
    technical_fields=["id", "reason", "created_at"],
    fields=[
        Field(
            field="email_hash",
            category="user.unique_id.pseudonymous",
            subject="customer",
            uses=["marketing.communications.email"],
            clause="C5",
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            retention=Retention.SUPPRESSION_LIST,
            erasure=Erasure.LEGAL_HOLD,
            description_el="Ένας κατακερματισμός με κλειδί της διεύθυνσης email σας, όχι η ίδια η διεύθυνση, "
            "ώστε να μη σας στείλουμε ποτέ ξανά διαφημιστικά μηνύματα μετά τη διαγραφή σας.",
            description_en="A keyed hash of your email address, not the address itself, so that we never send "
            "you marketing again after your data is erased.",
        ),
    ],
)

personal_data_map.declare(
    "privacy.DataCopy",
    subject_path="user",
    # A guest's copies are found by their address's keyed hash (data_copy.EMAIL_INDEX_PURPOSE).
    found_by=[FoundBy(field="email_index", blind_index_purpose="privacy.copy-email")],
    technical_fields=[
        "id",
        "public_id",
        "request_reference",
        "status",
        "progress",
        "language",
        "size",
        "created_at",
        "ready_at",
        "expires_at",
        "downloaded_at",
    ],
    fields=[
        Field(
            field="content",
            # Everything the shop holds on the person, so the widest category of all.
            category="user",
            uses=["essential.service"],
            subject="customer",
            clause="C2",
            # Answering the rights of access and portability (GDPR Art. 15(3), 20) is a legal duty.
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.DATA_COPIES,
            erasure=Erasure.DELETE,
            # The ZIP is fetched from its own page; shown inline (on "my data", in the next copy) it would be
            # a wall of base64, so it is listed as held but never shown back.
            secret=True,
            description_el="Το αρχείο ZIP με αντίγραφο των δεδομένων σας που ζητήσατε, κρυπτογραφημένο.",
            description_en="The ZIP file with a copy of your data that you asked for, encrypted.",
        ),
        Field(
            field="email",
            category="user.contact.email",
            uses=["essential.service"],
            subject="customer",
            clause="C2",
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.DATA_COPIES,
            erasure=Erasure.DELETE,
            description_el="Η διεύθυνση email όσων ζήτησαν αντίγραφο χωρίς λογαριασμό, για να τους στείλουμε "
            "τον σύνδεσμο (αποθηκεύεται κρυπτογραφημένη).",
            description_en="The email address of a person without an account who asked for a copy, to send them "
            "the link (stored encrypted).",
        ),
        Field(
            field="email_index",
            category="user.unique_id.pseudonymous",
            uses=["essential.service"],
            subject="customer",
            clause="C2",
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.DATA_COPIES,
            erasure=Erasure.DELETE,
            description_el="Ένα κλειδωμένο αποτύπωμα (hash) αυτής της διεύθυνσης, για να βρίσκουμε το αντίγραφό της.",
            description_en="A keyed hash of that address, to find its copy.",
        ),
    ],
)

# Restriction of processing (R3.restrict): the person's own request, kept as proof that the shop honours it
# (GDPR Art. 18(3): the person is told before a restriction is lifted) for 24 months after it is lifted, like
# every data-subject request. `set_by` and `lifted_by` name who acted (the person or a staff member): the
# accountability of the shop, shown in the audit log, not the customer's data.
RESTRICTION = {
    "subject": "customer",
    "uses": ["essential.legal_obligation"],
    "clause": "C5",
    "legal_basis": LegalBasis.LEGAL_OBLIGATION,
    "retention": Retention.SUBJECT_REQUESTS,
    "erasure": Erasure.DELETE,
}

personal_data_map.declare(
    "privacy.ProcessingRestriction",
    subject_path="user",
    technical_fields=["id", "set_by", "lifted_by"],
    fields=[
        Field(
            field="email_index",
            category="user.unique_id.pseudonymous",
            description_el="Ένα κλειδωμένο αποτύπωμα (hash) της διεύθυνσης email σας, όχι η ίδια, για να ισχύει ο "
            "περιορισμός και χωρίς λογαριασμό.",
            description_en="A keyed hash of your email address, not the address itself, so that the restriction "
            "holds without an account too.",
            **RESTRICTION,
        ),
        Field(
            field="reason",
            category="user.privacy_preferences",
            description_el="Γιατί ζητήσατε τον περιορισμό της επεξεργασίας των δεδομένων σας, αν μας το είπατε.",
            description_en="Why you asked us to restrict the processing of your data, if you told us.",
            **RESTRICTION,
        ),
        Field(
            field="set_at",
            category="user.privacy_preferences",
            description_el="Πότε περιορίστηκε η επεξεργασία των δεδομένων σας.",
            description_en="When the processing of your data was restricted.",
            **RESTRICTION,
        ),
        Field(
            field="lifted_at",
            category="user.privacy_preferences",
            description_el="Πότε άρθηκε ο περιορισμός.",
            description_en="When the restriction was lifted.",
            **RESTRICTION,
        ),
    ],
)

# The disclosure log (S2): what was given, about whom, to an authority or other requester under law. The
# requester, the legal basis and the staff approver describe the disclosure, not the person: technical.
DISCLOSED = {
    "uses": ["third_party_sharing.legal_obligation"],
    "subject": "customer",
    "clause": "C1",
    "legal_basis": LegalBasis.LEGAL_OBLIGATION,
    # Proof that a disclosure was lawful outlives the account: detached from the person (SET_NULL), kept.
    "retention": Retention.ORDER_RECORDS,
    "erasure": Erasure.LEGAL_HOLD,
}

personal_data_map.declare(
    "privacy.Disclosure",
    subject_path="subject",
    technical_fields=[
        "id",
        "requester",
        "requester_reference",
        "legal_basis",
        "legal_basis_detail",
        "requested_at",
        "approved_by",
        "approved_at",
        "disclosed_at",
        "created_at",
    ],
    fields=[
        Field(
            field="categories",
            category="user",
            description_el="Ποιες κατηγορίες δεδομένων σας δόθηκαν σε αρχή ή σε άλλον που τα ζήτησε βάσει νόμου.",
            description_en="Which categories of your data were given to an authority or another requester under law.",
            **DISCLOSED,
        ),
        Field(
            field="data_description",
            category="user",
            description_el="Ποια δεδομένα σας δόθηκαν σε αρχή ή σε άλλον που τα ζήτησε βάσει νόμου.",
            description_en="What data of yours was given to an authority or another requester under law.",
            **DISCLOSED,
        ),
    ],
)

# A recorded business-transfer inventory (S4) holds counts and categories, nothing about a customer; it names
# the staff member who recorded it, which is the only link to a person.
personal_data_map.declare(
    "privacy.TransferInventory",
    subject_path="created_by",
    technical_fields=["id", "created_at", "content"],
)
personal_data_map.declare_no_personal_data(
    "privacy.ProcessorAgreement", reason="Agreements with companies: service, country, dates; no person."
)


def _purge_admin_log(*, now, dry_run):
    """SECURITY_LOGS: the back office's change log (admin.LogEntry) 90 days after the change."""
    from datetime import timedelta

    from django.apps import apps

    from allegra.privacy.retention import expired_and_held

    model = apps.get_model("admin", "LogEntry")
    cutoff = now - timedelta(days=Retention.SECURITY_LOGS.rule.days)
    expired, held = expired_and_held(
        model.objects.filter(action_time__lt=cutoff), rule=Retention.SECURITY_LOGS, now=now
    )
    label = model._meta.label
    count = expired.count() if dry_run else expired.delete()[1].get(label, 0)
    return {label: count}, {label: held}


register(RetentionJob("admin-log", (Retention.SECURITY_LOGS,), _purge_admin_log, "back-office change log, 90 days"))

personal_data_map.declare(
    "privacy.LegalHold",
    subject_path="user",
    technical_fields=[
        "id",
        "scope",
        "rule",
        "model_label",
        "object_id",
        "starts",
        "ends",
        "set_by",
        "created_at",
        "lifted_at",
        "lifted_by",
    ],
    fields=[
        Field(
            field="reason",
            category="user.content.private",
            subject="customer",
            uses=["essential.legal_obligation"],
            clause="C2",
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.WHILE_ACCOUNT_EXISTS,
            erasure=Erasure.LEGAL_HOLD,
            description_el="Γιατί κρατάμε δεδομένα σας πέρα από τον χρόνο διατήρησής τους (αξίωση, έλεγχος).",
            description_en="Why we keep your data past its retention period (a claim, an audit).",
        ),
    ],
)


def _purge_data_copies(*, now, dry_run):
    """DATA_COPIES: a copy's content goes 7 days after it was ready (its download page refuses it from that moment
    on, whenever the daily run comes)."""
    from allegra.privacy.data_copy import purge_expired_copies
    from allegra.privacy.models import DataCopy

    label = DataCopy._meta.label
    if dry_run:
        return {label: DataCopy.objects.filter(status=DataCopy.Status.READY, expires_at__lte=now).count()}
    return {label: purge_expired_copies(now=now)}


def _purge_subject_requests(*, now, dry_run):
    """SUBJECT_REQUESTS: a request and its steps go 24 months after it closed (the proof of how it was answered).
    The staff audit log names the same rule but is an append-only hash chain: trimming it needs a chain
    checkpoint first, so no job removes audit entries yet."""
    from allegra.privacy.deadlines import add_months
    from allegra.privacy.models import SubjectRequest
    from allegra.privacy.retention import expired_and_held

    label = SubjectRequest._meta.label
    cutoff = add_months(now, -Retention.SUBJECT_REQUESTS.rule.months)
    expired, held = expired_and_held(
        SubjectRequest.objects.filter(closed_at__lt=cutoff), rule=Retention.SUBJECT_REQUESTS, now=now
    )
    count = expired.count() if dry_run else expired.delete()[1].get(label, 0)
    return {label: count}, {label: held}


register(RetentionJob("data-copies", (Retention.DATA_COPIES,), _purge_data_copies, "copies of data, 7 days"))
register(
    RetentionJob(
        "subject-requests",
        (Retention.SUBJECT_REQUESTS,),
        _purge_subject_requests,
        "data-subject requests, 24 months after closing",
    )
)

# Authorised agents (R4.agent). The agent is a data subject too: fideslang's default taxonomy has no "agent" or
# "representative"; the agent buys nothing (not a customer), is not employed by the shop (not an employee or a
# consultant) and is sold nothing (not a prospect): they reach the shop as a visitor of its website filling in
# the request form, so "visitor". The signed permission is the person's (it names them and bears their
# signature): "customer". Kept with the request (24 months after it closes); the document goes when it closes.
AGENT = {
    "subject": "visitor",
    "uses": ["essential.legal_obligation"],
    "clause": "C1",
    "legal_basis": LegalBasis.LEGAL_OBLIGATION,
    "retention": Retention.SUBJECT_REQUESTS,
    "erasure": Erasure.LEGAL_HOLD,
}

personal_data_map.declare(
    "privacy.AgentAuthorisation",
    subject_path="request__user",
    technical_fields=["id", "request", "content_type", "size", "uploaded_at", "document_removed_at"],
    fields=[
        Field(
            field="agent_name",
            category="user.name",
            description_el="Το όνομα του εξουσιοδοτημένου αντιπροσώπου που υπέβαλε αίτημα για λογαριασμό κάποιου.",
            description_en="The name of the authorised agent who filed a request for someone.",
            **AGENT,
        ),
        Field(
            field="agent_email",
            category="user.contact.email",
            description_el="Η διεύθυνση email του αντιπροσώπου, για μία μόνο επιβεβαίωση ότι λάβαμε το αίτημα.",
            description_en="The agent's email address, for one acknowledgment that the request was received.",
            **AGENT,
        ),
        Field(
            field="document",
            category="user.content.private",
            subject="customer",
            uses=["essential.legal_obligation"],
            clause="C1",
            legal_basis=LegalBasis.LEGAL_OBLIGATION,
            retention=Retention.SUBJECT_REQUESTS,
            # Removed as soon as the request is completed or denied: staff need it only to decide.
            erasure=Erasure.DELETE,
            secret=True,
            description_el="Η υπογεγραμμένη εξουσιοδότησή σας προς τον αντιπρόσωπο (PDF ή εικόνα), κρυπτογραφημένη· "
            "διαγράφεται μόλις κλείσει το αίτημα.",
            description_en="Your signed permission for the agent (a PDF or a picture), encrypted; deleted as soon "
            "as the request is closed.",
        ),
    ],
)
# Corrections made by staff for a request (R3.correct): which field of the map, the value before and after (both
# encrypted), kept like the request they answer. Erasing the person empties both values; the field's name stays,
# to show the request was answered. Who made it (staff) and when are the shop's accountability: technical.
CORRECTION = {**REQUEST_RECORD, "clause": "C7", "pseudonymise": Pseudonym.BLANK}

personal_data_map.declare(
    "privacy.Correction",
    subject_path="request__user",
    technical_fields=["id", "field", "made_by", "made_at"],
    fields=[
        Field(
            field="before",
            category="user",
            description_el="Η τιμή ενός στοιχείου σας πριν τη διορθώσουμε κατόπιν αιτήματός σας.",
            description_en="The value of an item of your data before we corrected it at your request.",
            **CORRECTION,
        ),
        Field(
            field="after",
            category="user",
            description_el="Η διορθωμένη τιμή του στοιχείου.",
            description_en="The corrected value of the item.",
            **CORRECTION,
        ),
    ],
)

personal_data_map.declare_no_personal_data(
    "privacy.RequestDigest", reason="The days a digest of due requests was sent to staff, with counts only."
)
