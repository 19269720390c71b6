"""The event-typing lexicon: PLOVER types from trigger lemmas, read from ``data/plover.toml``.

A trigger is a verb or noun whose lemma the lexicon lists. Conditional entries
(``[[entry]]``) are checked first, in file order, against the trigger's syntactic
context (:class:`Context`: particle, objects, subjects, prepositions, modifiers);
the first whose conditions all hold gives the type, or blocks the reading when
its type is ``NONE``. A lemma with no fitting entry falls back to its plain
listing under ``[types.X]``, if it has one. The format is documented in
``data/README.md``.

Example:
    >>> plover_type("bomb", "VERB", Context())
    ('ASSAULT', 'types.ASSAULT.verbs:bomb')
    >>> plover_type("fire", "VERB", Context(objects=("video",)))
    (None, '')
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyline.events.model import PLOVER_TYPES

LEXICON_PATH = Path(__file__).with_name("data") / "plover.toml"

_LIST_CONDITIONS = (
    "particle",
    "objects",
    "preps",
    "subjects",
    "modifiers",
    "governed_by",
    "advmods",
    "prep_objects",
    "complement_aux",
    "not_objects",
    "not_subjects",
    "not_modifiers",
)
_FLAG_CONDITIONS = ("objects_any", "not_objects_any", "xcomp")
_WORD_LISTS = (
    "light_verbs",
    "reporting_verbs",
    "threat_verbs",
    "deny_verbs",
    "plan_verbs",
    "future_aux",
    "conditional_aux",
    "conditional_marks",
    "violent_types",
    "location_preps",
    "blocked_governors",
    "absorbing_types",
    "theme_object_types",
    "not_target_objects",
)


@dataclass(frozen=True, slots=True)
class Context:
    """What a conditional entry may test about a trigger (all lemmas, lowercased).

    Attributes:
        particle: the verb's particles ("out" in "pulled out").
        objects: direct objects and their compounds.
        preps: prepositions attached to the trigger.
        subjects: the subject's head and its compounds.
        modifiers: left modifiers of a noun trigger (compound, amod, poss).
        governed_by: the preposition a noun trigger is the object of.
        advmods: adverb modifiers.
        prep_objects: objects of the trigger's prepositions ("shot back at critics").
        complement_aux: auxiliaries of the trigger's clausal complement ("warned it
            *would* respond").
        has_xcomp: the verb has an open clausal complement.
    """

    particle: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    preps: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    governed_by: tuple[str, ...] = ()
    advmods: tuple[str, ...] = ()
    prep_objects: tuple[str, ...] = ()
    complement_aux: tuple[str, ...] = ()
    has_xcomp: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One conditional lexicon entry (see ``data/README.md``)."""

    lemma: str
    pos: str
    type: str
    index: int
    lists: Mapping[str, frozenset[str]] = field(default_factory=dict)
    flags: Mapping[str, bool] = field(default_factory=dict)

    def fits(self, ctx: Context) -> bool:
        """Whether every condition of the entry holds in ``ctx``."""
        has = {
            "particle": ctx.particle,
            "objects": ctx.objects,
            "preps": ctx.preps,
            "subjects": ctx.subjects,
            "modifiers": ctx.modifiers,
            "governed_by": ctx.governed_by,
            "advmods": ctx.advmods,
            "prep_objects": ctx.prep_objects,
            "complement_aux": ctx.complement_aux,
        }
        for name, words in self.lists.items():
            seen = has[name.removeprefix("not_")]
            hit = any(w in words for w in seen)
            if hit == name.startswith("not_"):
                return False
        if self.flags.get("objects_any") and not ctx.objects:
            return False
        if self.flags.get("not_objects_any") and ctx.objects:
            return False
        return not (self.flags.get("xcomp") and not ctx.has_xcomp)


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The loaded lexicon: plain triggers, conditional entries and the word lists."""

    verbs: Mapping[str, str]
    nouns: Mapping[str, str]
    entries: Mapping[tuple[str, str], tuple[Entry, ...]]
    words: Mapping[str, frozenset[str]]
    target_preps: Mapping[str, frozenset[str]]

    def lemmas(self) -> frozenset[str]:
        """Every lemma that may trigger an event (a quick first filter)."""
        return frozenset(self.verbs) | frozenset(self.nouns) | {k[0] for k in self.entries}

    def word_list(self, name: str) -> frozenset[str]:
        """One of the ``[words]`` lists."""
        return self.words[name]


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{where} must be a list of non-empty strings")
    return [v.lower() for v in value]


def parse_lexicon(data: Mapping[str, Any]) -> Lexicon:
    """Validate a decoded lexicon TOML and build a :class:`Lexicon`.

    Raises:
        ValueError: an unknown type, field or part of speech, or a malformed list.
    """
    words_raw = data.get("words", {})
    missing = [w for w in _WORD_LISTS if w not in words_raw]
    if missing:
        raise ValueError(f"[words] lacks {', '.join(missing)}")
    words = {k: frozenset(_strings(v, f"words.{k}")) for k, v in words_raw.items()}
    for name in ("violent_types", "absorbing_types", "theme_object_types"):
        words[name] = frozenset(t.upper() for t in words[name])
        bad = words[name] - set(PLOVER_TYPES)
        if bad:
            raise ValueError(f"words.{name}: unknown types {sorted(bad)}")
    verbs: dict[str, str] = {}
    nouns: dict[str, str] = {}
    target_preps: dict[str, frozenset[str]] = {}
    for typ, table in data.get("types", {}).items():
        if typ not in PLOVER_TYPES:
            raise ValueError(f"[types.{typ}]: not a PLOVER type (one of {', '.join(PLOVER_TYPES)})")
        unknown = set(table) - {"verbs", "nouns", "target_preps"}
        if unknown:
            raise ValueError(f"[types.{typ}]: unknown fields {sorted(unknown)}")
        target_preps[typ] = frozenset(_strings(table.get("target_preps", []), f"types.{typ}"))
        for lemma in _strings(table.get("verbs", []), f"types.{typ}.verbs"):
            if verbs.setdefault(lemma, typ) != typ:
                raise ValueError(f"verb {lemma!r} listed under {verbs[lemma]} and {typ}")
        for lemma in _strings(table.get("nouns", []), f"types.{typ}.nouns"):
            if nouns.setdefault(lemma, typ) != typ:
                raise ValueError(f"noun {lemma!r} listed under {nouns[lemma]} and {typ}")
    entries: dict[tuple[str, str], list[Entry]] = {}
    for i, raw in enumerate(data.get("entry", [])):
        where = f"entry {i} ({raw.get('lemma')!r})"
        unknown = set(raw) - {"lemma", "pos", "type", *_LIST_CONDITIONS, *_FLAG_CONDITIONS}
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        if raw.get("pos") not in ("VERB", "NOUN"):
            raise ValueError(f"{where}: pos must be VERB or NOUN")
        if raw.get("type") not in (*PLOVER_TYPES, "NONE"):
            raise ValueError(f"{where}: type must be a PLOVER type or NONE")
        lists = {
            k: frozenset(_strings(raw[k], f"{where}.{k}")) for k in _LIST_CONDITIONS if k in raw
        }
        flags = {k: bool(raw[k]) for k in _FLAG_CONDITIONS if k in raw}
        entry = Entry(str(raw["lemma"]).lower(), raw["pos"], raw["type"], i, lists, flags)
        entries.setdefault((entry.lemma, entry.pos), []).append(entry)
    missing_types = set(PLOVER_TYPES) - set(target_preps)
    if missing_types:
        raise ValueError(f"[types] lacks {', '.join(sorted(missing_types))}")
    return Lexicon(verbs, nouns, {k: tuple(v) for k, v in entries.items()}, words, target_preps)


@lru_cache(maxsize=8)
def load_lexicon(path: str = "") -> Lexicon:
    """The lexicon at ``path`` (default: the shipped ``data/plover.toml``), loaded once.

    Raises:
        ValueError: the file does not validate (see :func:`parse_lexicon`).
    """
    with Path(path or LEXICON_PATH).open("rb") as f:
        return parse_lexicon(tomllib.load(f))


def plover_type(
    lemma: str, pos: str, ctx: Context, lexicon: Lexicon | None = None
) -> tuple[str | None, str]:
    """The PLOVER type of a trigger lemma in its context, and the rule that gave it.

    Args:
        lemma: the trigger's lemma (lowercase).
        pos: ``VERB`` or ``NOUN``.
        ctx: the trigger's syntactic context.
        lexicon: the lexicon (default: the shipped one).

    Returns:
        ``(type, rule)``; ``(None, "")`` when the lemma is no trigger here.
    """
    lex = lexicon or load_lexicon()
    for entry in lex.entries.get((lemma, pos), ()):
        if entry.fits(ctx):
            if entry.type == "NONE":
                return None, ""
            return entry.type, f"entry[{entry.index}]:{lemma}"
    plain = lex.verbs if pos == "VERB" else lex.nouns
    typ = plain.get(lemma)
    if typ is None:
        return None, ""
    return typ, f"types.{typ}.{'verbs' if pos == 'VERB' else 'nouns'}:{lemma}"
