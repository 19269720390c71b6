"""Event mentions of one document: PLOVER-typed triggers with their arguments, per sentence.

:func:`event_mentions` reads the spaCy parse the entity layer already made (no
second parse) and, sentence by sentence:

1. types each verb and noun whose lemma the lexicon lists
   (:func:`storyline.events.lexicon.plover_type`), in its syntactic context; a
   noun counts as a trigger when it is the object of a light verb ("held talks",
   "launched an attack"), a subject or object, or under a preposition an entry
   asks for ("on strike"); never as a modifier ("aid workers");
2. drops triggers that are part of another: an event in the complement of a
   threat, request, refusal or accusation ("threatened to shell", "urged X to
   release"), or a noun under a verb trigger of the same type ("signed an
   agreement"); reporting verbs ("said", "told") are never events;
3. reads modality and attribution (:mod:`storyline.events.modality`); a violent
   event presented as a threat, or said in quotation marks as a future or
   conditional act ("We will strike back", X said), becomes a THREATEN by the
   speaker;
4. finds actors (subject, "by X"), targets (object, the type's target
   prepositions), location ("in/at/near X" naming a GPE, LOC or FAC), the date
   (a time expression of the sentence, else the publication date) and the
   quantities attached to the trigger ("killed 12 civilians", "13 missiles").

Arguments carry the key of the entity mention that covers their head, with the
entity's span; other arguments keep their words and an empty key (the argument
helpers are in :mod:`storyline.events.arguments`). Every loop runs over one
sentence's tokens and their children, so the cost stays a few percent of the parse.

Example:
    >>> parsed = load_nlp()(doc.text)                       # doctest: +SKIP
    >>> [(m.text, m.type) for m in event_mentions(doc, parsed)]  # doctest: +SKIP
    [('fired', 'ASSAULT')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from storyline.entities.mentions import Mention
from storyline.events.arguments import (
    PARTICLES,
    EntityIndex,
    date_of,
    location,
    misparsed_subject,
    participants,
    quantities,
)
from storyline.events.lexicon import Context, Lexicon, load_lexicon, plover_type
from storyline.events.modality import in_quote, modality_of
from storyline.events.model import EventMention
from storyline.model import Document
from storyline.nlp.timex import Timex

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

_FIRST_PERSON = frozenset({"we", "i", "us", "me"})
_NOUN_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "ROOT", "attr", "conj", "appos", "pobj"})


def event_mentions(
    doc: Document,
    parsed: Doc,
    mentions: Sequence[Mention] = (),
    timexes: Sequence[Timex] = (),
    lexicon: Lexicon | None = None,
) -> list[EventMention]:
    """The event mentions of one document, in text order.

    Args:
        doc: the document (``parsed`` is the parse of its ``text``).
        parsed: its spaCy parse (:mod:`storyline.nlp.parse`).
        mentions: its entity mentions (:func:`storyline.entities.mentions.mentions_for`).
        timexes: its time expressions (:func:`storyline.nlp.timex.find_timexes`).
        lexicon: the event lexicon (default: the shipped ``data/plover.toml``).

    Returns:
        One :class:`EventMention` per trigger, sorted by offset.

    Raises:
        ValueError: the parse is of another text.
    """
    if parsed.text != doc.text:
        raise ValueError(f"the parse of {doc.id} is not of its text")
    lex = lexicon or load_lexicon()
    ents = EntityIndex(mentions)
    lemmas = lex.lemmas()
    out: list[EventMention] = []
    for sent in parsed.sents:
        typed: dict[int, tuple[str, str, Token]] = {}  # token i -> (type, rule, predicate)
        for tok in sent:
            lemma = tok.lemma_.lower()
            if lemma in lemmas:
                found = _type_token(tok, lemma, lex)
                if found is not None:
                    typed[tok.i] = found
        # A noun trigger's event sits on its light verb too ("opened fire, wounding three").
        at = {found[2].i: found[0] for found in typed.values()}
        at.update({i: found[0] for i, found in typed.items()})
        for i, (typ, rule, pred) in sorted(typed.items()):
            tok = parsed[i]
            if _absorbed(tok, pred, typ, typed, at, lex):
                continue
            out.append(_mention(doc, sent, tok, pred, typ, rule, ents, timexes, lex))
    return out


def _type_token(tok: Token, lemma: str, lex: Lexicon) -> tuple[str, str, Token] | None:
    """``(type, rule, predicate)`` of a trigger candidate, or None."""
    if tok.pos_ == "VERB" and tok.dep_ not in ("amod", "compound"):
        if lemma in lex.word_list("reporting_verbs") and lemma not in lex.verbs:
            return None
        typ, rule = plover_type(lemma, "VERB", _context(tok, lex), lex)
        return (typ, rule, tok) if typ else None
    if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ not in _NOUN_DEPS:
        return None
    if tok.pos_ == "PROPN" and tok.is_title:
        return None  # a name ("March", "Storm Ciara"), not an event noun
    head = tok.head
    light = (
        head if tok.dep_ == "dobj" and head.lemma_.lower() in lex.word_list("light_verbs") else None
    )
    if tok.dep_ == "pobj":
        if head.lower_ in lex.word_list("blocked_governors"):
            return None
        if head.head.lemma_.lower() in lex.word_list("light_verbs"):
            light = head.head  # "went on strike"
    typ, rule = plover_type(lemma, "NOUN", _context(tok, lex), lex)
    if typ is None:
        return None
    if (
        tok.dep_ == "pobj"
        and light is None
        and "governed_by" not in _entry_fields(lemma, rule, lex)
    ):
        return None
    return typ, rule, light if light is not None else tok


def _entry_fields(lemma: str, rule: str, lex: Lexicon) -> frozenset[str]:
    if not rule.startswith("entry["):
        return frozenset()
    index = int(rule[6 : rule.index("]")])
    for entry in lex.entries.get((lemma, "NOUN"), ()):
        if entry.index == index:
            return frozenset(entry.lists)
    return frozenset()


def _context(tok: Token, lex: Lexicon) -> Context:
    """What the lexicon's conditions test about a trigger."""
    particle, objects, preps, subjects, modifiers, advmods = [], [], [], [], [], []
    prep_objects: list[str] = []
    complement_aux: list[str] = []
    has_xcomp = False
    for c in tok.children:
        dep, low = c.dep_, c.lemma_.lower()
        if dep == "prt" or (low in PARTICLES and dep in ("advmod", "prep") and c.i == tok.i + 1):
            particle.append(low)
            if dep == "prep":  # "voted down the budget": its object is the verb's
                objects.extend(g.lemma_.lower() for g in c.children if g.dep_ == "pobj")
        if dep == "advmod":
            advmods.append(low)
        elif dep in ("dobj", "nsubjpass"):
            objects.append(low)
            objects.extend(g.lemma_.lower() for g in c.children if g.dep_ in ("compound", "nmod"))
            if c.like_num:  # "pledged $50 million in aid": the counted noun is in the prep
                objects.extend(g.lemma_.lower() for p in c.children for g in p.children)
        elif dep == "prep":
            preps.append(low)
            prep_objects.extend(g.lemma_.lower() for g in c.children if g.dep_ == "pobj")
        elif dep in ("nsubj", "agent"):
            head = c if dep == "nsubj" else next((g for g in c.children if g.dep_ == "pobj"), c)
            subjects.extend(_subject_words(head))
        elif dep in ("compound", "amod", "nmod", "poss"):
            modifiers.append(low)
        elif dep == "xcomp":
            has_xcomp = True
        if dep in ("ccomp", "xcomp"):
            complement_aux.extend(g.lower_ for g in c.children if g.dep_ == "aux")
    node = tok
    for _ in range(4):  # no subject of its own: "..., killing 12 people"
        if subjects or node.dep_ not in ("advcl", "xcomp", "conj", "prep", "pcomp", "acl"):
            break
        if misparsed_subject(node) is not None:
            subjects.extend(_subject_words(node.head))
            break
        node = node.head
        for c in node.children:
            if c.dep_ == "nsubj":
                subjects.extend(_subject_words(c))
    if tok.pos_ == "VERB" and not objects and tok.dep_ in ("relcl", "acl"):
        objects.append(tok.head.lemma_.lower())  # "the buildings they had seized"
    return Context(
        particle=tuple(particle),
        objects=tuple(objects),
        preps=tuple(preps),
        subjects=tuple(subjects),
        modifiers=tuple(modifiers),
        governed_by=(tok.head.lemma_.lower(),) if tok.head.i != tok.i else (),
        advmods=tuple(advmods),
        prep_objects=tuple(prep_objects),
        complement_aux=tuple(complement_aux),
        has_xcomp=has_xcomp,
    )


def _subject_words(head: Token) -> list[str]:
    """A subject's lemma, its compounds, and the noun of its "of" ("a section of the dam")."""
    out = [head.lemma_.lower()]
    for g in head.children:
        if g.dep_ == "compound":
            out.append(g.lemma_.lower())
        elif g.dep_ == "prep" and g.lower_ == "of":
            out.extend(p.lemma_.lower() for p in g.children if p.dep_ == "pobj")
    return out


def _absorbed(
    tok: Token,
    pred: Token,
    typ: str,
    typed: dict[int, tuple[str, str, Token]],
    at: dict[int, str],
    lex: Lexicon,
) -> bool:
    """Whether the trigger is part of another trigger's event (see the module docstring).

    ``typed`` maps trigger tokens to their typing, ``at`` trigger and predicate tokens
    to the type of the event there.
    """
    absorbing = lex.word_list("absorbing_types")
    if pred.i != tok.i and typed.get(pred.i, ("",))[0] == typ:
        return True  # "signed an agreement": the verb's event
    node = pred
    for hops in range(4):
        if node.head.i == node.i:
            return False
        dep = node.dep_
        node = node.head
        other = at.get(node.i)
        if other is None or node.i == tok.i:
            continue
        if other in absorbing and (dep in ("xcomp", "ccomp", "pcomp", "prep") or hops > 0):
            return True
        if other == "THREATEN" and dep == "dobj":
            return True
        if other == typ and tok.pos_ != "VERB":
            return True
        if other == typ and dep in ("advcl", "xcomp", "conj") and _shares_subject(tok, node):
            return True
    return False


def _shares_subject(tok: Token, other: Token) -> bool:
    """Whether ``tok`` has no subject of its own (so it shares ``other``'s)."""
    return not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)


def _mention(
    doc: Document,
    sent: Span,
    tok: Token,
    pred: Token,
    typ: str,
    rule: str,
    ents: EntityIndex,
    timexes: Sequence[Timex],
    lex: Lexicon,
) -> EventMention:
    mod = modality_of(pred, lex, tok)
    modality = mod.modality
    quoted = in_quote(tok, sent)
    speaker = ents.arg(mod.source) if mod.source is not None else None
    actors, targets = participants(tok, pred, typ, lex)
    if typ in lex.word_list("violent_types") and (
        modality == "threatened"
        or (quoted and modality in ("planned", "hypothetical") and speaker is not None)
    ):
        typ, modality, rule = "THREATEN", "threatened", f"{rule}+threat"
    if typ == "THREATEN" and modality in ("happened", "reported", "planned"):
        modality = "threatened"
    actor_args = tuple(ents.arg(a) for a in actors)
    if quoted and speaker is not None and all(a.lower_ in _FIRST_PERSON for a in actors):
        actor_args = (speaker,)
    date, precision, source, date_span = date_of(doc, sent, tok, pred, timexes)
    extra: dict[str, Any] = {}
    found_quantities = quantities(tok, pred)
    if found_quantities:
        extra["quantities"] = found_quantities
    if quoted:
        extra["quoted"] = True
    return EventMention(
        doc_id=doc.id,
        start=tok.idx,
        end=tok.idx + len(tok.text),
        text=tok.text,
        lemma=tok.lemma_.lower(),
        type=typ,
        sentence_start=sent.start_char,
        sentence_end=sent.end_char,
        actors=actor_args,
        targets=tuple(ents.arg(t) for t in targets),
        location=location(tok, pred, targets, ents, lex),
        date=date,
        date_precision=precision,
        date_source=source,
        date_span=date_span,
        modality=modality,
        attribution=speaker,
        rule=rule,
        extra=extra,
    )
