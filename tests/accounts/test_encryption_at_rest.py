"""R1: what the profile and address book hold is unreadable in the database itself.

A customer is written through the same services the pages use; then every column of every profile and address
row is read back with plain SQL (no ORM, no decryption) and searched for the values in any usual spelling.
Runs on whichever database the suite runs on: SQLite by default, PostgreSQL with DATABASE_URL.
"""

import datetime

import pytest
from django.db import connection

from allegra.accounts.models import Address, Gender, Profile
from allegra.accounts.services.profile import create_address, update_profile

pytestmark = [pytest.mark.django_db, pytest.mark.policy("R1")]

TELEPHONE = "+306944718253"
ADDRESS_TELEPHONE = "+302310987654"
BIRTH_DATE = datetime.date(1983, 11, 27)
ADDRESS = {
    "kind": Address.Kind.SHIPPING,
    "label": "Home",
    "recipient_name": "Eleni Papadopoulou",
    "street": "Tsimiski",
    "number": "41B",
    "city": "Thessaloniki",
    "postcode": "54623",
    "region": "Central Macedonia",
    "country": "GR",
    "telephone": ADDRESS_TELEPHONE,
}

# Every way the values could show up in clear: E.164, national digits, dates in ISO, compact and Greek order.
SECRETS = [
    TELEPHONE,
    TELEPHONE.removeprefix("+"),
    "6944718253",
    ADDRESS_TELEPHONE.removeprefix("+30"),
    "1983-11-27",
    "19831127",
    "27/11/1983",
    "27.11.1983",
    "Eleni Papadopoulou",
    "Tsimiski",
    "Thessaloniki",
    "54623",
    "Central Macedonia",
    "Ioannina",
    "prefer_not_to_say",
]


def raw_rows(model) -> tuple[list[str], list[tuple]]:
    """Every column of every row of the model's table, straight from the database driver."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # table name from the model, not input
        columns = [column[0] for column in cursor.description]
        return columns, cursor.fetchall()


def as_text(value) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return "" if value is None else str(value)


@pytest.fixture
def written_customer(customer):
    update_profile(
        user=customer,
        full_name="",
        telephone=TELEPHONE,
        gender=Gender.PREFER_NOT_TO_SAY,
        hometown="Ioannina",
        date_of_birth=BIRTH_DATE,
    )
    create_address(user=customer, **ADDRESS)
    return customer


def test_no_personal_value_is_stored_in_clear(written_customer):
    for model in (Profile, Address):
        columns, rows = raw_rows(model)
        assert rows, f"{model.__name__}: nothing was written"
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                text = as_text(value)
                for secret in SECRETS:
                    assert secret.lower() not in text.lower(), f"{model.__name__}.{column} holds {secret!r} in clear"


def test_encrypted_columns_hold_ciphertext_and_the_orm_reads_the_values(written_customer):
    encrypted = {
        Profile: ["telephone", "gender", "hometown", "date_of_birth"],
        Address: ["recipient_name", "street", "number", "city", "postcode", "region", "telephone"],
    }
    for model, fields in encrypted.items():
        columns, rows = raw_rows(model)
        (row,) = rows
        stored = dict(zip(columns, row, strict=True))
        for name in fields:
            column = model._meta.get_field(name).column
            assert as_text(stored[column]).startswith("v1:"), f"{model.__name__}.{name} is not encrypted"

    profile = Profile.objects.get(user=written_customer)
    assert (profile.telephone, profile.hometown, profile.date_of_birth) == (TELEPHONE, "Ioannina", BIRTH_DATE)
    address = Address.objects.get(user=written_customer)
    assert (address.street, address.postcode, address.telephone) == ("Tsimiski", "54623", ADDRESS_TELEPHONE)


def test_the_same_value_encrypts_differently_each_time(customer, other_customer):
    """No equal ciphertexts: the database cannot even tell that two customers share a telephone."""
    update_profile(user=customer, telephone=TELEPHONE)
    update_profile(user=other_customer, telephone=TELEPHONE)
    column = connection.ops.quote_name(Profile._meta.get_field("telephone").column)
    table = connection.ops.quote_name(Profile._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # names from the model
        values = [as_text(value) for (value,) in cursor.fetchall()]
    assert len(values) == 2 and values[0] != values[1]
