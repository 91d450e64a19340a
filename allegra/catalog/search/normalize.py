"""Text normalisation shared by both search engines: folding, words, and the canonical phonetic key.

Greek shoppers type in Greek script, with or without accents, or in Greeklish (Greek written in Latin
letters, with several competing conventions: "daxtylidi", "dachtylidi", "daktylidi"). English shoppers type
English. Product texts exist in Greek and English. To make all of them meet, every word, in the index and in
the query alike, is reduced to one *canonical key*: a spelling of how the word sounds, in a small Latin
alphabet, where Greek script and every common Greeklish spelling of a sound give the same letter.

The key alphabet (one key letter per sound, so that one typo is one edit):

    sound              Greek                 Latin / Greeklish               key
    a e o              α ε ο ω, αι           a e o w, ai                     a e o (αι, ai -> e)
    i                  η ι υ ει οι υι        i y h, ei oi                    i
    u                  ου                    ou u                            u
    av/af, ev/ef       αυ ευ ηυ              au eu                           av/af, ev/ef (f before a voiceless
                                                                             consonant or at the end)
    th                 θ                     th 8                            q
    ch                 χ                     ch kh x                         x
    ks, ps             ξ ψ                   ks ps                           ks ps
    f                  φ                     ph f                            f
    b, d, g            μπ ντ γκ γγ           mp b, nt dh d, gk gg ng gh g    b d g
    others             β γ δ ζ κ λ μ ν π ρ σ/ς τ   as written (q -> k)       v g d z k l m n p r s t

Then doubled letters collapse (λλ, ss, ει+ι) and a final "s" goes (ς of Greek nominatives, English plural
-s), so that "χρυσός"/"χρυσό" and "ring"/"rings" share a key. English words go through the Latin rules too:
"necklace" keeps a readable key ("necklace"), and as the query passes through the same function the exact
English spelling always matches itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Combining marks left by NFKD: Greek tonos and dialytika, Latin accents, and the rarer extended blocks.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A word: Latin letters, digits and Greek small letters (after casefolding every Greek letter is small,
# and final sigma is folded to σ). Everything else, including every FTS operator, separates words.
_WORD = re.compile("[a-z0-9\u03b1-\u03c9]+")
_REPEATS = re.compile(r"(.)\1+")
_DIGIT = re.compile(r"\d")

# Bounds on what one query may cost: the raw text read, the words kept, the length of each word.
MAX_QUERY_CHARS = 1000
MAX_TERMS = 8
MAX_TERM_CHARS = 32

_GREEK_VOICELESS = set("θκξπσςτφχψ")
_LATIN_VOICELESS = set("ckpqstx")  # Greeklish spellings of θ κ ξ π σ τ φ χ ψ all start with one of these

_GREEK_DIGRAPHS = {
    "ου": "u",
    "ει": "i",
    "οι": "i",
    "υι": "i",
    "αι": "e",
    "μπ": "b",
    "ντ": "d",
    "γκ": "g",
    "γγ": "g",
}
_GREEK_LETTERS = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "q",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "ks",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "i",
    "φ": "f",
    "χ": "x",
    "ψ": "ps",
    "ω": "o",
}
_GREEK_AV = {"αυ": "a", "ευ": "e", "ηυ": "i"}

_LATIN_DIGRAPHS = {
    "th": "q",
    "ch": "x",
    "kh": "x",
    "ph": "f",
    "dh": "d",
    "gh": "g",
    "ou": "u",
    "ei": "i",
    "oi": "i",
    "ai": "e",
    "mp": "b",
    "nt": "d",
    "gk": "g",
    "ng": "g",
}
_LATIN_LETTERS = {"h": "i", "y": "i", "w": "o", "q": "k"}
_LATIN_AV = {"au": "a", "eu": "e"}


def fold(text: str) -> str:
    """Lower case without accents: "Δαχτυλίδι" -> "δαχτυλιδι", "Café" -> "cafe", final ς -> σ."""
    decomposed = unicodedata.normalize("NFKD", text)
    return _COMBINING.sub("", decomposed).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, in order, with repeats. Operators and punctuation are separators."""
    return _WORD.findall(fold(text))


def _eight_is_theta(word: str) -> bool:
    # Greeklish writes θ as "8" ("8alassa"), but "18k" and "8mm" are numbers: only a lone 8 in a word with
    # vowels and no other digit is a letter.
    return word.count("8") >= 1 and not _DIGIT.search(word.replace("8", "")) and bool(re.search("[aeiouy]", word))


@lru_cache(maxsize=200_000)
def canonical_key(word: str) -> str:
    """The phonetic key of one folded word (see the module docstring). Pure and cached: words repeat a lot."""
    word = _REPEATS.sub(r"\1", word)
    eight_is_theta = "8" in word and _eight_is_theta(word)
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        pair = word[i : i + 2]
        following = word[i + 2] if i + 2 < n else ""
        if pair in _GREEK_AV:
            out.append(_GREEK_AV[pair] + ("f" if not following or following in _GREEK_VOICELESS else "v"))
            i += 2
        elif pair in _LATIN_AV:
            out.append(_LATIN_AV[pair] + ("f" if not following or following in _LATIN_VOICELESS else "v"))
            i += 2
        elif pair in _GREEK_DIGRAPHS:
            out.append(_GREEK_DIGRAPHS[pair])
            i += 2
        elif pair in _LATIN_DIGRAPHS:
            out.append(_LATIN_DIGRAPHS[pair])
            i += 2
        else:
            char = word[i]
            if char == "8" and eight_is_theta:
                out.append("q")
            else:
                out.append(_GREEK_LETTERS.get(char) or _LATIN_LETTERS.get(char, char))
            i += 1
    key = _REPEATS.sub(r"\1", "".join(out))
    if len(key) >= 4 and key.endswith("s") and not key[-2].isdigit():
        key = key[:-1]
    return key


def keys_text(text: str) -> str:
    """The canonical keys of every word of a text, space separated, in order: what the index stores."""
    return " ".join(canonical_key(word) for word in words(text))


# Words that carry no meaning in a shop query ("ring with diamond", "δαχτυλίδι με διαμάντι"), and the
# operator words of full-text query languages (AND OR NOT NEAR), which shoppers never mean as product words.
# They are dropped from every query (compared by key, so Greeklish spellings go too); a query of nothing else
# finds nothing, rather than everything.
_STOP_WORDS = (
    "και με για σε στο στη στην στον στα στις στους το τα τη την της του των τον ο η οι ενα ενας μια απο "
    "kai me gia se sto sti stin ston sta to ta ti tin tis tou ton o i ena mia apo "
    "the a an and or not near with for of in on to my your"
)
STOP_KEYS = frozenset(canonical_key(word) for word in _STOP_WORDS.split())


@dataclass(frozen=True)
class QueryWord:
    word: str  # folded, as typed (cut to MAX_TERM_CHARS)
    key: str  # its canonical key


def parse_query(query: object) -> list[QueryWord]:
    """The words of a shopper's query, bounded and de-duplicated, stop words dropped. Never raises.

    Only the first MAX_QUERY_CHARS characters are read (a word cut by that limit is dropped), at most
    MAX_TERMS distinct words are kept and each is cut to MAX_TERM_CHARS.
    """
    if not isinstance(query, str):
        return []
    text = query[:MAX_QUERY_CHARS]
    found = words(text)
    if len(query) > MAX_QUERY_CHARS and query[MAX_QUERY_CHARS - 1].isalnum() and query[MAX_QUERY_CHARS].isalnum():
        found = found[:-1]
    parsed: list[QueryWord] = []
    seen: set[str] = set()
    for word in found:
        word = word[:MAX_TERM_CHARS]
        key = canonical_key(word)
        if key and key not in seen and key not in STOP_KEYS:
            seen.add(key)
            parsed.append(QueryWord(word=word, key=key))
            if len(parsed) == MAX_TERMS:
                break
    return parsed
