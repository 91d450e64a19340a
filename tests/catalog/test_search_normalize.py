"""Folding, canonical keys and query parsing: the part of search shared by both engines (no database)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allegra.catalog.search.normalize import (
    MAX_TERM_CHARS,
    MAX_TERMS,
    canonical_key,
    fold,
    keys_text,
    parse_query,
    words,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Δαχτυλίδι", "δαχτυλιδι"),
        ("ΔΑΧΤΥΛΊΔΙ", "δαχτυλιδι"),
        ("Κολιέ", "κολιε"),
        ("ΧΡΥΣΌΣ", "χρυσοσ"),  # capital sigma and final sigma fold alike
        ("χρυσός", "χρυσοσ"),
        ("Προϊόν", "προιον"),  # dialytika
        ("Café Crème", "cafe creme"),
        ("ＲＩＮＧ", "ring"),  # full-width letters
    ],
)
def test_fold_removes_accents_and_case(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "spellings",
    [
        # Greek script with and without accents, and the usual Greeklish conventions (x/ch, y/i, dh/d)
        ["Δαχτυλίδι", "δαχτυλιδι", "ΔΑΧΤΥΛΙΔΙ", "daxtylidi", "dachtylidi", "DAXTYLIDI", "daxtilidi", "daxtylidhi"],
        ["Κολιέ", "κολιε", "kolie", "KOLIE"],
        # digraphs: ου, μπ, ντ, γκ, γγ, ει, αι, οι
        ["Σκουλαρίκια", "skoularikia", "skularikia"],
        ["Μπρελόκ", "mprelok", "brelok"],
        ["Μενταγιόν", "mentagion", "medagion"],
        ["γκρι", "gkri", "gri"],
        ["Άγγελος", "aggelos", "angelos", "agelos"],
        ["Ζαφείρι", "zafeiri", "zafiri", "zafyri"],
        ["ωραίο", "oraio", "wraio", "oreo"],
        ["Ποιότητα", "poiotita", "piotita"],
        # θ/th/8, χ/ch/kh/x, ψ/ps, ξ/ks, φ/ph/f
        ["Θάλασσα", "thalassa", "8alassa", "thalasa"],
        ["Χρυσός", "χρυσό", "xrysos", "chrysos", "khrysos", "xryso"],
        ["ψάρι", "psari"],
        ["ξύλο", "ksylo", "ksilo"],
        ["φίλος", "filos", "philos"],
        # αυ/ευ: v before voiced sounds, f before voiceless ones
        ["ευρώ", "euro", "evro"],
        ["αυτό", "auto", "afto"],
        # English plural -s and doubled letters
        ["ring", "rings", "Ring"],
        ["necklace", "necklaces", "Necklace"],
        ["sapphire", "saphire"],
    ],
)
def test_spellings_of_one_word_share_one_key(spellings):
    keys = {canonical_key(fold(spelling)) for spelling in spellings}
    assert len(keys) == 1, dict(zip(spellings, (canonical_key(fold(s)) for s in spellings), strict=True))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("δαχτυλίδι", "κολιέ"),
        ("ring", "earrings"),
        ("necklace", "neklace"),  # a typo is not a spelling: the vocabulary corrects it, the key does not
        ("bracelet", "brcelet"),
        ("18k", "14k"),
    ],
)
def test_different_words_keep_different_keys(one, other):
    assert canonical_key(fold(one)) != canonical_key(fold(other))


def test_numbers_stay_numbers():
    assert keys_text("18K 925") == "18k 925"
    assert keys_text("18Κ") == "18k"  # a Greek capital kappa, as Greek texts write carats
    assert canonical_key("8elo") == "qelo"  # but a lone 8 among letters is Greeklish θ


def test_words_split_on_every_operator_and_punctuation():
    assert words("\"ring\" * NEAR(gold) -- OR 'x' ^ {title}: a-b") == [
        "ring",
        "near",
        "gold",
        "or",
        "x",
        "title",
        "a",
        "b",
    ]


@given(st.text(max_size=60))
def test_keys_only_ever_hold_lower_ascii_letters_and_digits(text):
    for word in words(text):
        assert re.fullmatch("[a-z0-9]*", canonical_key(word))


def test_parse_query_caps_terms_and_term_length():
    many = " ".join(f"word{chr(97 + index % 26)}{index}" for index in range(40))
    assert len(parse_query(many)) == MAX_TERMS
    long_word = "b" * 500
    assert parse_query(long_word)[0].word == "b" * MAX_TERM_CHARS


def test_parse_query_reads_only_the_start_of_a_huge_query():
    huge = "δαχτυλίδι " * 1100  # 11 KB
    parsed = parse_query(huge)
    assert [word.word for word in parsed] == ["δαχτυλιδι"]
    # a word cut in half by the limit is dropped, not searched as a fragment
    assert parse_query("ring " + "x" * 20_000) == parse_query("ring")


def test_parse_query_drops_duplicates_and_stop_words():
    parsed = parse_query("Δαχτυλίδι με διαμάντι και δαχτυλιδι with diamond")
    assert [word.word for word in parsed] == ["δαχτυλιδι", "διαμαντι", "diamond"]


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\" * ( ) ' -- ^ :", "OR AND NOT NEAR", "the", None, 42])
def test_parse_query_of_nothing_meaningful_is_empty(query):
    assert parse_query(query) == []
