"""How a sentence presents an event, and who says so, read from the dependency parse.

:func:`modality_of` looks at the predicate of an event (the trigger verb, or the
light verb of a noun trigger: "launched an attack") and then up its clausal
ancestors, in this order of precedence:

1. ``negated``: "did not attack", "never met" (the predicate's own negation);
2. ``denied``: the event is a complement of "deny" ("denied attacking",
   "denied that it had detained");
3. ``threatened``: a complement of "threaten", "warn", "vow", "pledge" (or the
   trigger is one of those verbs itself: "pledged aid");
4. ``hypothetical``: inside an "if"/"unless" clause, with an "if" clause of its
   own, or under "could"/"might"/"may"/"would" (a "would" under a reporting verb
   is a future in the past: planned);
5. ``planned``: "will", "shall", or a complement of "plan", "expect", "due"...;
6. ``reported``: a named source says so ("X said", "according to X");
7. ``happened`` otherwise.

The attribution is the subject of the nearest reporting verb above the event
("X said", "X told Reuters"), of a reporting verb in parenthesis beside the main
clause ("..., police said"), or the object of "according to". Word lists are in
``data/plover.toml`` (``[words]``).

Example:
    >>> parsed = nlp("The rebels did not attack, police said.")   # doctest: +SKIP
    >>> modality_of(parsed[4], load_lexicon())                    # doctest: +SKIP
    Modality(modality='negated', source=police, cue='not')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.events.lexicon import Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_CLAUSAL = frozenset({"xcomp", "ccomp", "conj", "acomp", "pcomp", "dobj", "pobj", "prep", "advcl"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_QUOTES = frozenset({'"', "“", "”", "‘", "’", "'", "«", "»", "``", "''"})
_NEGATIONS = frozenset({"not", "n't", "never", "no"})
_NOBODY = frozenset({"nobody", "none", "nothing", "noone"})


@dataclass(frozen=True, slots=True)
class Modality:
    """A modality (one of :data:`storyline.events.model.MODALITIES`) and its source.

    Attributes:
        modality: how the event is presented.
        source: the head token of who says so, or None.
        cue: the word that decided the modality ("" for happened).
    """

    modality: str
    source: Token | None
    cue: str


def in_quote(tok: Token, sent: Span) -> bool:
    """Whether ``tok`` stands inside quotation marks of its sentence (an odd count before it)."""
    marks = sum(1 for t in sent.doc[sent.start : tok.i] if t.text in _QUOTES)
    return marks % 2 == 1


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child
    return None


def reported_source(sent: Span, lex: Lexicon) -> Token | None:
    """The source a whole sentence cites: "according to X", else a reporting verb outside quotes.

    A reporting verb counts when it is the sentence root or in parenthesis beside it
    ("Rebels attacked the town, police said").
    """
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end:
            to = sent.doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if to.lower_ == "to" and objs:
                return objs[0]
    reporting = lex.word_list("reporting_verbs")
    root = sent.root
    candidates = [root, *(c for c in root.children if c.dep_ in ("parataxis", "advcl", "conj"))]
    for verb in candidates:
        if verb.lemma_.lower() in reporting and not in_quote(verb, sent):
            subj = _subject(verb)
            if subj is not None:
                return subj
    return None


def modality_of(pred: Token, lex: Lexicon, trigger: Token | None = None) -> Modality:
    """The modality of the event whose predicate is ``pred``, and who reports it.

    Args:
        pred: the trigger verb, or the light verb of a noun trigger.
        lex: the lexicon (its ``[words]`` lists).
        trigger: the trigger when it differs from ``pred`` (noun triggers).

    Returns:
        A :class:`Modality`; ``source`` is the head token of the speaker, or None.
    """
    trig = trigger if trigger is not None else pred
    neg = _negation(pred) or (_negation(trig) if trig.i != pred.i else "")
    threat = lex.word_list("threat_verbs")
    deny = lex.word_list("deny_verbs")
    plan = lex.word_list("plan_verbs")
    reporting = lex.word_list("reporting_verbs")
    # Clausal ancestors: the verbs this event is a complement of.
    cue_deny = cue_threat = cue_plan = ""
    source: Token | None = None
    under_report = False
    node = pred
    for _ in range(6):
        if node.dep_ not in _CLAUSAL or node.head.i == node.i:
            break
        node = node.head
        lemma = node.lemma_.lower()
        if lemma in deny and not cue_deny and not cue_threat:
            cue_deny = node.text
        elif lemma in threat and not cue_threat and not cue_deny:
            cue_threat = node.text
        elif lemma in plan and not cue_plan and node.pos_ in ("VERB", "ADJ", "AUX"):
            cue_plan = node.text
        elif lemma in reporting and node.pos_ == "VERB":
            under_report = True
            if source is None:
                source = _subject(node)
    if source is None:
        source = reported_source(pred.sent, lex)
    hypo, future = _own_modals(pred, lex, under_report)
    if pred.pos_ != "VERB" and pred.dep_ in ("nsubj", "nsubjpass", "dobj"):
        # A noun event in an "if" clause: "if the attacks continued".
        marks = lex.word_list("conditional_marks")
        hypo = hypo or next(
            (c.text for c in pred.head.children if c.dep_ == "mark" and c.lower_ in marks), ""
        )
    if trig.lemma_.lower() in threat:
        cue_threat = cue_threat or trig.text
    if neg:
        return Modality("negated", source, neg)
    if cue_deny:
        return Modality("denied", source, cue_deny)
    if cue_threat:
        return Modality("threatened", source, cue_threat)
    if hypo:
        return Modality("hypothetical", source, hypo)
    if future or cue_plan:
        return Modality("planned", source, future or cue_plan)
    if source is not None:
        return Modality("reported", source, "source")
    return Modality("happened", None, "")


def _negation(tok: Token) -> str:
    """The word negating a predicate: "not", "never", or a participant with "no" ("No one
    was killed", "killed nobody")."""
    for child in tok.children:
        if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
            return child.text
        if child.dep_ == "advmod" and child.lower_ in _NEGATIONS:
            return child.text
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and tok.pos_ == "VERB":
            if child.lower_ in _NOBODY:
                return child.text
            for g in child.children:
                if g.dep_ == "det" and g.lower_ == "no":
                    return g.text
    return ""


def _own_modals(pred: Token, lex: Lexicon, under_report: bool) -> tuple[str, str]:
    """The conditional and the future cue of the predicate's own clause."""
    marks = lex.word_list("conditional_marks")
    hypo = future = ""
    clause = pred
    # Up through conjuncts and xcomps: "will ask the army to help" is one clause's future.
    while clause.dep_ in ("conj", "xcomp") and clause.head.i != clause.i:
        if any(c.dep_ == "aux" for c in clause.children):
            break
        clause = clause.head
    for child in (*clause.children, *(pred.children if pred.i != clause.i else ())):
        low = child.lower_
        if child.dep_ == "mark" and low in marks:
            hypo = child.text
        elif child.dep_ == "advcl" and any(
            g.dep_ == "mark" and g.lower_ in marks for g in child.children
        ):
            hypo = hypo or f"{child.text} ({'|'.join(sorted(marks))})"
        elif child.dep_ in ("aux", "auxpass"):
            if low in lex.word_list("future_aux"):
                future = child.text
            elif low in lex.word_list("conditional_aux"):
                if low == "would" and under_report:
                    future = child.text
                else:
                    hypo = hypo or child.text
    return hypo, future
