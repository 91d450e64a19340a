"""Declarations speak fideslang and the policy's words, or fail when they are made."""

import pytest

from allegra.privacy.registry import (
    RETENTION_RULES,
    DeclarationError,
    Erasure,
    LegalBasis,
    PersonalDataField,
    PersonalDataMap,
    Retention,
    personal_data_map,
)

VALID = {
    "model": "accounts.User",
    "field": "email",
    "category": "user.contact.email",
    "uses": ["essential.service"],
    "subject": "customer",
    "clause": "C1",
    "legal_basis": LegalBasis.CONTRACT,
    "retention": Retention.WHILE_ACCOUNT_EXISTS,
    "erasure": Erasure.DELETE,
    "description_el": "Email",
    "description_en": "Email",
}


def test_a_valid_declaration_is_accepted_and_normalised():
    declaration = PersonalDataField(**{**VALID, "legal_basis": "contract", "uses": "essential.service"})
    assert declaration.legal_basis is LegalBasis.CONTRACT
    assert declaration.uses == ("essential.service",)
    assert declaration.key == "accounts.User.email"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("category", "user.contact.emial"),
        ("uses", ["essential.servce"]),
        ("uses", []),
        ("subject", "customers"),
        ("clause", "C9"),
        ("legal_basis", "because"),
        ("retention", "forever"),
        ("erasure", "shred"),
        ("description_el", " "),
    ],
)
def test_words_outside_the_taxonomy_and_the_policy_are_refused(name, value):
    with pytest.raises(DeclarationError):
        PersonalDataField(**{**VALID, name: value})


def test_a_model_cannot_be_declared_twice_nor_a_field_under_another_model():
    data_map = PersonalDataMap()
    data_map.declare("accounts.User", subject_path="", fields=[PersonalDataField(**VALID)])
    with pytest.raises(DeclarationError):
        data_map.declare("accounts.User", subject_path="")
    with pytest.raises(DeclarationError):
        data_map.declare("otp_totp.TOTPDevice", subject_path="user", fields=[PersonalDataField(**VALID)])


def test_the_map_version_changes_with_any_declaration():
    data_map = PersonalDataMap()
    empty = data_map.version()
    data_map.declare("accounts.User", subject_path="", fields=[PersonalDataField(**{**VALID, "model": ""})])
    assert data_map.version() != empty
    assert data_map.models["accounts.User"].fields[0].model == "accounts.User"


@pytest.mark.policy("R2")
def test_every_row_of_the_retention_table_has_a_rule_with_its_duration():
    assert set(RETENTION_RULES) == set(Retention)
    assert Retention.RAW_ANALYTICS.rule.iso8601 == "P13M"
    assert Retention.SECURITY_LOGS.rule.iso8601 == "P90D"
    assert Retention.ORDER_RECORDS.rule.iso8601 == "P5Y"
    assert Retention.SUBJECT_REQUESTS.rule.iso8601 == "P24M"
    assert Retention.WHILE_ACCOUNT_EXISTS.rule.until_account_deleted
    assert Retention.SUPPRESSION_LIST.rule.indefinite


@pytest.mark.policy("R2")
def test_every_declaration_of_the_shop_has_a_retention_rule_and_an_erasure_action():
    assert personal_data_map.fields
    for declaration in personal_data_map.fields:
        assert declaration.retention in RETENTION_RULES, declaration.key
        assert str(declaration.retention.rule.kept), declaration.key
        assert isinstance(declaration.erasure, Erasure), declaration.key


def _declared(model: str) -> dict[str, PersonalDataField]:
    return {item.field: item for item in personal_data_map.models[model].fields}


@pytest.mark.policy("C1")
def test_contact_details_are_declared():
    email = _declared("accounts.User")["email"]
    assert email.category == "user.contact.email"
    assert email.clause == "C1"


@pytest.mark.policy("C2")
def test_login_and_account_data_are_declared():
    user = _declared("accounts.User")
    assert user["screen_name"].category == "user.account.username"
    assert user["password"].category == "user.authorization.credentials"
    assert user["password"].secret
    assert user["public_id"].category == "user.unique_id.pseudonymous"
    assert {user[name].clause for name in ("screen_name", "password", "public_id")} == {"C2"}


def test_apps_without_personal_data_say_so():
    assert "catalog" in personal_data_map.no_personal_data
    assert "analytics.SearchRecord" in personal_data_map.no_personal_data
