"""The index version, the vocabulary of indexed keys kept in process memory, and one-typo correction.

Correction is needed only when a search finds nothing, so a normal search never loads the vocabulary. The
copy in memory belongs to one index version (`SearchIndexState`, read once per search) and is reloaded when
the version moves on.
"""

from __future__ import annotations

import threading
import uuid
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connections, router
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from allegra.catalog.search.models import SearchIndexState, SearchTerm

# Words shorter than this are too short to guess at: one edit away from "ring" are dozens of words.
MIN_CORRECTABLE_LENGTH = 4
MAX_EDITS = 1


@dataclass(frozen=True)
class Correction:
    key: str  # the key to search for instead
    word: str  # the word to show the shopper


@dataclass(frozen=True)
class Key:
    frequency: int  # products holding the key (summed over spellings: a ranking signal, not a count)
    spellings: tuple[tuple[str, int], ...]  # (folded word, products), most frequent first

    def spelling_nearest(self, typed: str) -> str:
        return min(self.spellings, key=lambda item: (Levenshtein.distance(typed, item[0]), -item[1], item[0]))[0]


@dataclass
class Vocabulary:
    keys: dict[str, Key]
    sorted_keys: list[str] = field(init=False)
    _by_length: dict[int, list[str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.sorted_keys = sorted(self.keys)
        for key in self.sorted_keys:
            self._by_length.setdefault(len(key), []).append(key)
        self._prefixes = lru_cache(maxsize=64)(self._prefixes_of_length)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, int]]) -> Vocabulary:
        spellings: dict[str, list[tuple[str, int]]] = {}
        for key, word, frequency in rows:
            spellings.setdefault(key, []).append((word, frequency))
        return cls(
            {
                key: Key(
                    frequency=sum(count for _word, count in found),
                    spellings=tuple(sorted(found, key=lambda item: (-item[1], item[0]))),
                )
                for key, found in spellings.items()
            }
        )

    def __len__(self) -> int:
        return len(self.keys)

    def _with_prefix(self, prefix: str) -> list[str]:
        start = bisect_left(self.sorted_keys, prefix)
        found = []
        for key in self.sorted_keys[start:]:
            if not key.startswith(prefix):
                break
            found.append(key)
        return found

    def knows(self, key: str, *, prefix: bool = False) -> bool:
        if key in self.keys:
            return True
        return prefix and bool(self._with_prefix(key))

    def _best_key_with_prefix(self, prefix: str) -> str | None:
        keys = self._with_prefix(prefix)
        return max(keys, key=lambda key: (self.keys[key].frequency, -len(key))) if keys else None

    def _prefixes_of_length(self, length: int) -> list[str]:
        return sorted({key[:length] for key in self.sorted_keys if len(key) >= length})

    def _candidates(self, key: str, *, prefix: bool) -> list[str]:
        lengths = range(max(1, len(key) - MAX_EDITS), len(key) + MAX_EDITS + 1)
        whole = [candidate for length in lengths for candidate in self._by_length.get(length, ())]
        if not prefix:
            return whole
        # A word still being typed may also be the beginning of a longer key: compare with the beginnings of
        # keys as long as it or one longer (a letter left out). Not one shorter: "near" is not a typo of
        # every word that begins with "ear"; but whole keys one shorter count ("rign" for "ring").
        beginnings = [candidate for length in (len(key), len(key) + 1) for candidate in self._prefixes(length)]
        return sorted(set(whole).union(beginnings))

    def correct(self, key: str, *, typed: str, prefix: bool = False) -> Correction | None:
        """The indexed key (for a prefix: key beginning) one edit from `key`, the most common one first.

        The word shown is the spelling of that key nearest to what was `typed` ("necklace", not "necklaces").
        """
        choices = self._candidates(key, prefix=prefix)
        matches = process.extract(key, choices, scorer=Levenshtein.distance, score_cutoff=MAX_EDITS, limit=None)
        best: tuple[int, int, str, str] | None = None
        for candidate, distance, _index in matches:
            full_key = self._best_key_with_prefix(candidate) if prefix else candidate
            if full_key is None or candidate == key:
                continue
            rank = (distance, -self.keys[full_key].frequency, candidate, full_key)
            if best is None or rank < best:
                best = rank
        if best is None:
            return None
        _distance, _frequency, candidate, full_key = best
        return Correction(key=candidate, word=self.keys[full_key].spelling_nearest(typed))


_lock = threading.Lock()
_loaded: tuple[str, Vocabulary] | None = None


@lru_cache(maxsize=8)
def _index_version_sql(vendor: str) -> str:
    quote = connections[router.db_for_read(SearchIndexState)].ops.quote_name
    table, version, key = (quote(name) for name in (SearchIndexState._meta.db_table, "version", "id"))
    return f"SELECT {version} FROM {table} WHERE {key} = %s"  # noqa: S608 - names from the model


def index_version() -> str:
    """The current index version ("" before the first indexing). One small query.

    Every page served from the page cache asks this, so it is one prepared statement rather than an ORM query:
    building the ORM's SQL took more time than the database's answer."""
    connection = connections[router.db_for_read(SearchIndexState)]
    with connection.cursor() as cursor:
        cursor.execute(_index_version_sql(connection.vendor), [SearchIndexState.SINGLETON])
        row = cursor.fetchone()
    return row[0] if row else ""


def index_changed() -> None:
    """Gives the index a new version; call inside the transaction that changed it."""
    SearchIndexState.objects.update_or_create(pk=SearchIndexState.SINGLETON, defaults={"version": uuid.uuid4().hex})


def load_vocabulary() -> Vocabulary:
    return Vocabulary.from_rows(SearchTerm.objects.values_list("key", "word", "frequency").iterator(chunk_size=5000))


def vocabulary_for(version: str) -> Vocabulary:
    """The vocabulary of index `version`, loaded at most once per version in each process."""
    global _loaded
    with _lock:
        if _loaded is not None and _loaded[0] == version:
            return _loaded[1]
    vocabulary = load_vocabulary()
    with _lock:
        _loaded = (version, vocabulary)
    return vocabulary
