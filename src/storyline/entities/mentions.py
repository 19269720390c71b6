"""Entity mentions of one document: the parse's named entities, with their known errors fixed.

The small English model is weak on the names news about conflicts is full of: it
tags militias as people ("Kataib Hezbollah" PERSON), places as people ("Ain
al-Asad" PERSON), misses names defined with an acronym, and splits transliterated
names across types. :func:`mentions_for` takes the model's entities and corrects
them, recording how each label was found (``Mention.how``):

1. ``gazetteer``: names in the project's curated list (``data/gazetteer.toml``),
   matched on transliteration-folded words, override the model's type and bounds;
2. ``pattern``: words that give the type away ("... Brigades", "... Air Base",
   "Ain al-...") fix a wrong type;
3. ``acronym``: "Popular Mobilization Units (PMU)" makes both a mention, and every
   later "PMU" in the document a mention of the same name;
4. ``apposition``: "Qasem Daoud, the commander of the Harbour Guard" adds the role
   phrase as a ``role`` mention of the person (and makes a person of a name the
   model typed otherwise);
5. ``surname``: the surname of a person named in full in the document, where the
   model missed it on its own ("Daoud said").

Type disagreements left after this are settled by corpus-level voting in
:mod:`storyline.entities.canonical`.

Example:
    >>> parsed = load_nlp()("Kataib Hezbollah fighters left.")   # doctest: +SKIP
    >>> [(m.text, m.label, m.how) for m in mentions_for(doc, parsed)]  # doctest: +SKIP
    [('Kataib Hezbollah', 'ORG', 'gazetteer')]
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from storyline.entities.gazetteer import (
    ENTITY_LABELS,
    Gazetteer,
    GazetteerEntry,
    capitalised,
    load_gazetteer,
)
from storyline.entities.keys import (
    ARABIC_ARTICLES,
    LEADING_FUNCTION_WORDS,
    acronym_matches,
    entity_key,
    is_acronym,
    translit_token,
    words,
)
from storyline.model import Document

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Words that give a name's type away when the model got it wrong. Folded with
# translit_token, so "Kata'ib", "Kataeb" and "Kataib" are one word.
ORG_WORDS = frozenset(
    translit_token(w)
    for w in """brigade brigades battalion battalions army front movement militia militias
    forces force units unit party organization organisation group council committee corps
    guard guards league network faction kataib asaib harakat jaish jabhat liwa saraya
    ansar hizb tahrir hezbollah ahrar""".split()
)
FAC_WORDS = frozenset(
    """airport airbase base camp prison jail hospital bridge dam port harbour harbor stadium
    mosque embassy consulate palace refinery plant checkpoint crossing barracks""".split()
)
# Arabic place-name heads ("Ain" spring, "Ras" cape, "Deir" monastery...): with an article
# after them they name a place, not a person.
PLACE_HEADS = frozenset(
    "ain ras tell tel deir dayr kafr jabal jebel wadi bir khan beit bayt".split()
)
# Nouns that only a person can be: a name in apposition with one is a person.
PERSON_ROLES = frozenset(
    """commander leader spokesman spokeswoman spokesperson minister president chief head general
    officer official director founder member son daughter wife husband brother sister mother
    father cousin uncle aunt nephew niece colonel captain lieutenant sergeant soldier fighter
    militant cleric imam sheikh envoy ambassador diplomat adviser advisor aide deputy secretary
    governor mayor judge lawyer prosecutor journalist reporter activist doctor student""".split()
)
_ROLE_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# The types a fix may override: a model's PERSON/GPE/NORP on a militia is the known error.
_FIXABLE = frozenset({"PERSON", "GPE", "NORP", "LOC"})


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of a named entity: a span of ``Document.text`` with its type and key.

    Attributes:
        doc_id: the document.
        start, end: character offsets into ``Document.text``.
        text: ``text[start:end]``.
        label: PERSON, ORG, GPE, LOC, FAC or NORP.
        key: the matching key (:func:`storyline.entities.keys.entity_key`, or the key of
            the name an acronym, gazetteer alias or role stands for).
        kind: ``name``, ``acronym`` (a short form) or ``role`` (an apposition such as
            "the commander of ...", keyed by the person it describes).
        how: how the label was found: ``ner``, ``gazetteer``, ``pattern``, ``acronym``,
            ``apposition``, ``surname`` (a person's surname the model missed).
    """

    doc_id: str
    start: int
    end: int
    text: str
    label: str
    key: str
    kind: str = "name"
    how: str = "ner"

    def evidence(self, text: str) -> dict[str, Any]:
        """The export form ``{"document_id", "start", "end", "text"}``, checked against ``text``."""
        if text[self.start : self.end] != self.text:
            raise ValueError(f"mention {self.text!r} does not match {self.doc_id} text")
        return {"document_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class EntitiesConfig:
    """Entity settings (the ``[entities]`` section).

    Attributes:
        enabled: find entities when ``storyline analyze`` runs (needs the spaCy model).
        labels: the entity types kept.
        gazetteer: path of a gazetteer TOML; empty for the one shipped with storyline.
        adjectival_norp: keep NORP mentions used as adjectives ("Iraqi officials").
        appositions: add ``role`` mentions from appositions.
        link_unique_surnames: a bare surname joins the one person in the whole corpus
            with that surname (never when two people share it).
    """

    enabled: bool = True
    labels: tuple[str, ...] = ENTITY_LABELS
    gazetteer: str = ""
    adjectival_norp: bool = False
    appositions: bool = True
    link_unique_surnames: bool = True


def mentions_for(doc: Document, parsed: Doc, config: EntitiesConfig | None = None) -> list[Mention]:
    """The corrected entity mentions of one document.

    Args:
        doc: the document (its ``text`` is what ``parsed`` was made from).
        parsed: its spaCy parse (see :mod:`storyline.nlp.parse`).
        config: the ``[entities]`` settings.

    Returns:
        Mentions sorted by offset, none overlapping another except ``role`` mentions.

    Raises:
        ValueError: the parse is of another text.
    """
    config = config or EntitiesConfig()
    if parsed.text != doc.text:
        raise ValueError(f"the parse of {doc.id} is not of its text")
    gaz = load_gazetteer(config.gazetteer)
    taken = [False] * len(parsed)
    found: list[tuple[int, int, str, str, str, str]] = []  # tok start, end, label, key, kind, how

    def claim(start: int, end: int, label: str, key: str, kind: str, how: str) -> None:
        if key and not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            found.append((start, end, label, key, kind, how))

    # Acronyms defined in this document come first: they are the author's own words.
    defined = _acronym_definitions(parsed, gaz)
    for start, end, label, key in defined.spans:
        claim(start, end, label, key, "name" if end - start > 1 else "acronym", "acronym")
    for tok in parsed:
        if tok.text in defined.keys:
            label, key = defined.keys[tok.text]
            claim(tok.i, tok.i + 1, label, key, "acronym", "acronym")
    for start, end, entry, bigger in _gazetteer_matches(parsed, gaz):
        if not bigger:
            kind = "acronym" if end - start == 1 and is_acronym(parsed[start].text) else "name"
            claim(start, end, entry.label, entry.key, kind, "gazetteer")
    for ent in parsed.ents:
        span = _trim(ent)
        if span is None or ent.label_ not in config.labels:
            continue
        if ent.label_ == "NORP" and not config.adjectival_norp and _adjectival(span):
            continue
        entry = gaz.lookup(span.text)
        if entry is not None:
            claim(span.start, span.end, entry.label, entry.key, "name", "gazetteer")
            continue
        label, how = _fixed_label(span, ent.label_)
        if label in config.labels:
            key = entity_key(span.text, person=label == "PERSON")
            claim(span.start, span.end, label, key, "name", how)
    # A surname of someone named in full here, where the model missed it ("Haddadi said").
    surnames = {
        parsed[end - 1].text
        for start, end, label, key, _, _ in found
        if label == "PERSON" and end - start > 1 and " " in key
    }
    for tok in parsed:
        if tok.text in surnames and capitalised(tok) and not taken[tok.i]:
            claim(tok.i, tok.i + 1, "PERSON", entity_key(tok.text, person=True), "name", "surname")
    out = [_mention(doc.id, parsed, *f) for f in found]
    if config.appositions:
        out = _roles(doc.id, parsed, out)
    return sorted(out, key=lambda m: (m.start, m.end, m.kind))


def _mention(
    doc_id: str, parsed: Doc, start: int, end: int, label: str, key: str, kind: str, how: str
) -> Mention:
    span = parsed[start:end]
    return Mention(doc_id, span.start_char, span.end_char, span.text, label, key, kind, how)


def _trim(span: Span) -> Span | None:
    """The span without a leading determiner or a trailing possessive/punctuation."""
    start, end = span.start, span.end
    while start < end and (
        span.doc[start].lower_ in ("the", "a", "an") or span.doc[start].is_punct
    ):
        start += 1
    while end > start and (span.doc[end - 1].is_punct or span.doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    return span.doc[start:end] if end > start else None


def _adjectival(span: Span) -> bool:
    """A NORP used as a modifier ("Iraqi forces"), not naming a group ("the Kurds")."""
    root = span.root
    return root.pos_ == "ADJ" or root.dep_ in ("amod", "compound", "nmod")


def _fixed_label(span: Span, label: str) -> tuple[str, str]:
    """The type words in the name give, where the model's type is a known kind of error."""
    if label not in _FIXABLE and label != "ORG":
        return label, "ner"
    ws = [translit_token(w) for w in words(span.text)]
    if not ws:
        return label, "ner"
    if ws[-1] in FAC_WORDS and label != "FAC":
        return "FAC", "pattern"
    if label == "ORG":
        return label, "ner"
    if any(w in ORG_WORDS for w in ws):
        return "ORG", "pattern"
    raw = words(span.text)
    if label == "PERSON" and len(raw) > 2 and raw[0] in PLACE_HEADS and raw[1] in ARABIC_ARTICLES:
        return "GPE", "pattern"
    return label, "ner"


@dataclass(frozen=True, slots=True)
class _Definitions:
    spans: list[tuple[int, int, str, str]]  # tok start, end, label, key
    keys: dict[str, tuple[str, str]]  # acronym as written -> (label, key)


def _acronym_definitions(parsed: Doc, gaz: Gazetteer) -> _Definitions:
    """``Name Words (ACR)``: the name and the acronym, both keyed by the name."""
    spans: list[tuple[int, int, str, str]] = []
    keys: dict[str, tuple[str, str]] = {}
    ent_label = {t.i: t.ent_type_ for t in parsed if t.ent_type_}
    for i in range(1, len(parsed) - 2):
        if parsed[i].text != "(" or parsed[i + 2].text != ")":
            continue
        acr = parsed[i + 1].text
        if not is_acronym(acr) or acr in keys:
            continue
        run = _name_run(parsed, i)
        for start in range(run, i):  # longest expansion first
            if not capitalised(parsed[start]) or parsed[start].lower_ in LEADING_FUNCTION_WORDS:
                continue
            expansion = parsed[start:i]
            if acronym_matches(acr, expansion.text):
                entry = gaz.lookup(expansion.text)
                if entry is not None:
                    label, key = entry.label, entry.key
                else:
                    label = _run_label(ent_label, start, i)
                    key = entity_key(expansion.text, person=label == "PERSON")
                spans.append((start, i, label, key))
                spans.append((i + 1, i + 2, label, key))
                keys[acr] = (label, key)
                break
    return _Definitions(spans, keys)


def _name_run(parsed: Doc, end: int) -> int:
    """Start of the run of name-like words ending before token ``end`` (at most 12)."""
    start = end
    while start > 0 and end - start < 12:
        tok = parsed[start - 1]
        if capitalised(tok) or tok.lower_ in ("of", "the", "and", "for", "-", "al", "el", "'s"):
            start -= 1
        else:
            break
    return start


def _run_label(ent_label: dict[int, str], start: int, end: int) -> str:
    """The model's type inside a span (its most common), ORG when it saw none there."""
    seen = [ent_label[i] for i in range(start, end) if ent_label.get(i) in ENTITY_LABELS]
    if not seen:
        return "ORG"  # an acronym defined in news text is most often an organisation
    return max(sorted(set(seen)), key=seen.count)


@lru_cache(maxsize=65536)
def _token_words(text: str) -> tuple[str, ...]:
    return tuple(translit_token(w) for w in words(text))


def _gazetteer_matches(parsed: Doc, gaz: Gazetteer) -> list[tuple[int, int, GazetteerEntry, bool]]:
    """Gazetteer names in the text, longest first: ``(tok start, tok end, entry, bigger)``.

    ``bigger`` is True when the model found a larger name around the match with
    more capitalised words ("Hezbollah al-Nujaba" around "Hezbollah"): that name
    wins and the match is not used.
    """
    seq: list[tuple[str, int]] = []  # (folded word, token index)
    for tok in parsed:
        nxt = parsed[tok.i + 1] if tok.i + 1 < len(parsed) else None
        low = tok.lower_
        if (
            low in ARABIC_ARTICLES
            and nxt is not None
            and (nxt.text == "-" or (low in ("al", "el") and capitalised(nxt)))
        ):
            continue  # the article is dropped, as in entity_key
        seq.extend((w, tok.i) for w in _token_words(tok.text))
    matches = []
    p = 0
    while p < len(seq):
        hit = gaz.match_at(seq, p, parsed)
        if hit is None:
            p += 1
            continue
        n, entry = hit
        start, end = seq[p][1], seq[p + n - 1][1] + 1
        # Take the article back into the span ("al-Asad", "al Asad", not "Asad"), as the
        # word sequence dropped it: an article with its hyphen, or "al"/"el" before a name.
        # Not any hyphen or short word ("US-Iran", "an Iran-backed", "so long as Iran").
        while start > 0:
            if (
                start > 1
                and parsed[start - 1].text == "-"
                and parsed[start - 2].lower_ in ARABIC_ARTICLES
            ):
                start -= 2
            elif parsed[start - 1].lower_ in ("al", "el"):
                start -= 1
            else:
                break
        ent = parsed[start].ent_iob_ != "O" and _enclosing_ent(parsed, start, end)
        bigger = bool(ent) and sum(capitalised(t) for t in ent) > sum(
            capitalised(t) for t in parsed[start:end]
        )
        matches.append((start, end, entry, bigger))
        p += n
    return matches


def _enclosing_ent(parsed: Doc, start: int, end: int) -> Span | None:
    for ent in parsed.ents:
        if ent.start <= start and end <= ent.end:
            return ent
    return None


def _roles(doc_id: str, parsed: Doc, found: list[Mention]) -> list[Mention]:
    """Role phrases in apposition to a name: "X, the commander of Y" and "the commander, X".

    Returns the mentions with a ``role`` mention added after each person that has one;
    a name the model typed as a group or place but that stands in apposition with a
    person's role ("Tamsin Orlov, the commander of ...") becomes a PERSON.
    """
    out = []
    for m in found:
        phrase = _role_phrase(parsed, m) if m.label in _ROLE_TYPES else None
        if phrase is None:
            out.append(m)
            continue
        role, head = phrase
        if m.label != "PERSON":
            if head.lemma_.lower() not in PERSON_ROLES:
                out.append(m)
                continue
            key = entity_key(m.text, person=True)
            m = dataclasses.replace(m, label="PERSON", key=key, how="apposition")
        out.append(m)
        start, end = role.start_char, role.end_char
        out.append(Mention(doc_id, start, end, role.text, "PERSON", m.key, "role", "apposition"))
    return out


def _role_phrase(parsed: Doc, m: Mention) -> tuple[Span, Token] | None:
    """The noun phrase in apposition with a mention, and its head noun."""
    span = parsed.char_span(m.start, m.end)
    if span is None:
        return None
    inside = range(span.start, span.end)
    phrase = None
    for tok in span:
        for child in tok.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN" and child.i not in inside:
                phrase = (child.left_edge.i, child.right_edge.i + 1, child)
    root = span.root
    if phrase is None and root.dep_ == "appos" and root.head.pos_ == "NOUN":
        if root.head.i < span.start:
            phrase = (root.head.left_edge.i, span.start, root.head)
    if phrase is None:
        return None
    start, end, head = phrase
    # Stop at a bracket or comma: "(DHP)" or a list after the role is not part of it.
    end = next((t.i for t in parsed[start:end] if t.text in ("(", ",")), end)
    while start < end and parsed[start].is_punct:
        start += 1
    while end > start and parsed[end - 1].is_punct:
        end -= 1
    if not 0 < end - start <= 12 or not start <= head.i < end:
        return None
    return parsed[start:end], head
