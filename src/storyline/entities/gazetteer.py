"""The curated gazetteer: names the small model is known to mistype or miss, and their aliases.

The data is ``data/gazetteer.toml`` (its sources and rules: ``data/README.md``).
Aliases are matched on transliteration-folded words (:func:`storyline.entities.keys.
translit_token`), so "Kata'ib Hizballah" finds "Kataib Hezbollah".

Example:
    >>> load_gazetteer().lookup("Hizbollah").name
    'Hezbollah'
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.entities.keys import entity_key, is_acronym, name_words, translit_token

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP")
"""Person, organisation, place (GPE, LOC), facility, group (NORP)."""

FAMILY = {"PERSON": "person", "ORG": "group", "NORP": "group", "GPE": "place", "LOC": "place"}
FAMILY["FAC"] = "place"
"""The kind of thing each label names: names of one kind can be one entity."""

GAZETTEER_PATH = Path(__file__).with_name("data") / "gazetteer.toml"


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One curated name: its canonical form, type and key."""

    name: str
    label: str
    key: str


class Gazetteer:
    """Curated names and their aliases, matched on transliteration-folded words.

    Aliases written in capitals ("PMF") match only that exact acronym, and not in a
    line written all in capitals; other aliases match whatever the case, but their
    first word must be capitalised in the text.
    """

    def __init__(self, entries: Sequence[tuple[str, str, Sequence[str]]]) -> None:
        self.entries: list[GazetteerEntry] = []
        self._by_key: dict[str, GazetteerEntry] = {}
        self._acronyms: dict[str, GazetteerEntry] = {}
        self._first: dict[str, list[tuple[tuple[str, ...], GazetteerEntry]]] = {}
        for name, label, aliases in entries:
            if label not in ENTITY_LABELS:
                raise ValueError(f"gazetteer entry {name!r}: unknown label {label!r}")
            entry = GazetteerEntry(name, label, entity_key(name))
            self.entries.append(entry)
            for alias in (name, *aliases):
                if is_acronym(alias):
                    self._acronyms.setdefault(alias.strip(), entry)
                    continue
                ws = tuple(translit_token(w) for w in name_words(alias))
                if ws:
                    self._by_key.setdefault(" ".join(ws), entry)
                    self._first.setdefault(ws[0], []).append((ws, entry))
        for options in self._first.values():
            options.sort(key=lambda o: -len(o[0]))  # longest alias first

    def lookup(self, text: str) -> GazetteerEntry | None:
        """The entry a whole mention text names, or None."""
        if is_acronym(text):
            return self._acronyms.get(text.strip())
        return self._by_key.get(" ".join(translit_token(w) for w in name_words(text)))

    def match_at(
        self, seq: Sequence[tuple[str, int]], p: int, parsed: Doc
    ) -> tuple[int, GazetteerEntry] | None:
        """The longest alias starting at word ``p`` of ``seq``: ``(words used, entry)``."""
        word, tok_i = seq[p]
        if p > 0 and seq[p - 1][1] == tok_i:
            return None  # starts inside a token ("Hezbollah" in "pro-Hezbollah")
        tok = parsed[tok_i]
        entry = self._acronyms.get(tok.text)
        if entry is not None and not _shouting(parsed, tok_i):
            return 1, entry
        if not capitalised(tok):
            return None
        for ws, entry in self._first.get(word, ()):
            n = len(ws)
            if p + n > len(seq) or (p + n < len(seq) and seq[p + n][1] == seq[p + n - 1][1]):
                continue  # runs past the text, or ends inside a token
            if all(seq[p + j][0] == ws[j] for j in range(n)):
                return n, entry
        return None


def _shouting(parsed: Doc, i: int) -> bool:
    """True when the words around token ``i`` are in capitals too (a headline, not an acronym)."""
    near = [t for t in parsed[max(i - 2, 0) : i + 3] if t.i != i and t.is_alpha]
    return bool(near) and all(t.is_upper for t in near)


@lru_cache(maxsize=8)
def load_gazetteer(path: str = "") -> Gazetteer:
    """The gazetteer at ``path`` (the shipped one when empty), read once per process.

    Raises:
        ValueError: the file is not a gazetteer (missing keys, unknown label).
    """
    file = Path(path) if path else GAZETTEER_PATH
    with file.open("rb") as f:
        data = tomllib.load(f)
    try:
        entries = [(e["name"], e["label"], tuple(e.get("aliases", ()))) for e in data["entity"]]
    except (KeyError, TypeError) as e:
        raise ValueError(f"{file}: each [[entity]] needs name and label ({e})") from None
    return Gazetteer(entries)


DEMONYMS_PATH = Path(__file__).parent / "data" / "demonyms.toml"


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    with DEMONYMS_PATH.open("rb") as f:
        return dict(tomllib.load(f)["demonyms"])


def demonym_country(word: str) -> str | None:
    """The country a capitalised adjective names ("British" -> "United Kingdom"), or None."""
    return _demonyms().get(word)


def capitalised(tok: Token) -> bool:
    """Whether a token starts with a capital letter."""
    return tok.text[:1].isupper()
