"""The systems of the ECB+ entity evaluation: storyline's clustering and same-lemma baselines.

Each system takes one type group's gold mentions (:class:`GoldMention`), their
documents' parses, and optionally each document's story, and returns clusters of
mention ids. The rules of each system are described in
:mod:`storyline.evaluate.entities`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storyline.entities.canonical import canonical_entities
from storyline.entities.gazetteer import ENTITY_LABELS
from storyline.entities.keys import TITLE_WORDS, entity_key, is_acronym, name_words, words
from storyline.entities.mentions import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

GROUPS = {"HUMAN": "HUMAN", "NON_HUMAN": "NON_HUMAN", "LOCATION": "LOC"}
"""ECB+ chain type -> type group."""
GROUP_LABEL = {"HUMAN": "PERSON", "NON_HUMAN": "PRODUCT", "LOC": "GPE"}
"""The type a gold name gets when the model gave it none."""
PERSONAL = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself he him his himself "
    "she her hers herself it its itself they them their theirs themselves".split()
)
PLURAL = frozenset("they them their theirs themselves we us our ours ourselves".split())
RELATIVE = frozenset("who whom whose which that where there here this these those".split())
_LEADING = frozenset({"ADP", "DET", "PUNCT", "CCONJ", "PART"})
NAME_TYPES = frozenset(ENTITY_LABELS) | {"PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}

Clusters = list[list[str]]


@dataclass(frozen=True, slots=True)
class GoldMention:
    """A gold mention: where it is (``start == end == -1`` when not found) and its chain."""

    id: str
    doc_id: str
    group: str
    instance: str
    text: str
    start: int
    end: int


# --- per-mention analysis -------------------------------------------------------


def _span(parsed: Doc, g: GoldMention) -> Span | None:
    if g.start < 0:
        return None
    return parsed.char_span(g.start, g.end, alignment_mode="expand")


def _core(span: Span) -> Span:
    """The head phrase of a mention: no leading prepositions, determiners or punctuation,
    cut before a preposition, comma or bracket ("the Lorvik Harbour Clinic in Eastport"
    -> "Lorvik Harbour Clinic")."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end - 1 and doc[start].pos_ in _LEADING:
        start += 1
    cut = next((t.i for t in doc[start + 1 : end] if t.pos_ == "ADP" or t.text in (",", "(")), end)
    while cut > start + 1 and doc[cut - 1].is_punct:
        cut -= 1
    return doc[start:cut]


def _head(span: Span) -> Token:
    """The last word of the head phrase (a noun phrase's head in English)."""
    core = _core(span)
    return next((t for t in reversed(core) if not t.is_punct), core[-1])


def last_lemma(parsed: Doc, g: GoldMention) -> str:
    """The baseline's head: spaCy lemma of the mention's last word (the word if unparsed)."""
    span = _span(parsed, g)
    if span is None:
        return g.text.split()[-1].lower()
    words = [t for t in span if not t.is_punct] or list(span)
    return words[-1].lemma_.lower()


def root_lemma(parsed: Doc, g: GoldMention) -> str:
    """The lemma of the mention's syntactic head (``baseline-root``)."""
    span = _span(parsed, g)
    if span is None:
        return g.text.split()[-1].lower()
    return _trimmed(span).root.lemma_.lower()


def head_lemma(parsed: Doc, g: GoldMention) -> str:
    """The lemma of the head phrase's last word (storyline's noun rule)."""
    span = _span(parsed, g)
    return _head(span).lemma_.lower() if span is not None else g.text.split()[-1].lower()


def _trimmed(span: Span) -> Span:
    start = span.start
    while start < span.end - 1 and span.doc[start].pos_ in _LEADING:
        start += 1
    return span.doc[start : span.end]


def kind_of(parsed: Doc, g: GoldMention, nouns: frozenset[str] = frozenset()) -> str:
    """``personal``, ``relative`` (pronouns), ``name`` or ``noun``.

    ``nouns``: lowercased words seen as common nouns in the split.
    """
    low = g.text.lower().strip()
    if low in PERSONAL:
        return "personal"
    if low in RELATIVE:
        return "relative"
    span = _span(parsed, g)
    if span is None:
        return "name" if any(w[:1].isupper() for w in g.text.split()) else "noun"
    head = _head(span)
    if head.ent_type_ in NAME_TYPES:
        return "name"
    if head.pos_ != "PROPN":
        return "noun"
    # A capitalised common noun ("Flaw", or "Zero Day Flaw" in a headline) is still a noun.
    core = _core(span)
    if len(core) > 1 and not _headline(span):
        return "name"
    proper = [t for t in core if t.pos_ == "PROPN"]
    return "noun" if all(t.lower_ in nouns for t in proper) else "name"


def _headline(span: Span) -> bool:
    """Whether the mention's sentence is written in title case or capitals (a headline)."""
    words = [t for t in span.sent if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def _name_mention(parsed: Doc, g: GoldMention, system: Sequence[Mention]) -> Mention:
    """A gold name as a :class:`Mention`, keyed by the name in its head phrase.

    Where one of storyline's own mentions lies inside the gold mention and holds that
    whole name ("Lorvik Harbour Clinic" in "the Lorvik Harbour Clinic in Eastport"), its
    key and type are used (gazetteer, acronym, pattern and surname fixes included).
    """
    span = _span(parsed, g)
    if span is None:
        label = GROUP_LABEL[g.group]
        key = entity_key(g.text, person=label == "PERSON")
        return Mention(g.doc_id, g.start, g.end, g.text, label, key or g.text.lower())
    head = _head(span)
    core = _core(span)
    # The name is the head phrase from its first capitalised word ("famed Lorvik Harbour
    # Clinic"), clipped to the gold bounds (a token can run past them where a space is missing).
    first = next((t for t in core if t.text[:1].isupper()), core[0])
    start, end = max(first.idx, g.start), min(core.end_char, g.end)
    for m in system:
        # storyline's mention must lie inside the gold one and hold its whole head phrase.
        if m.kind != "role" and g.start <= m.start <= start and end <= m.end <= g.end:
            return Mention(g.doc_id, g.start, g.end, g.text, m.label, m.key, m.kind, m.how)
    label = head.ent_type_ if head.ent_type_ in ENTITY_LABELS else GROUP_LABEL[g.group]
    key = entity_key(parsed.text[start:end], person=label == "PERSON") or head.lower_
    kind = "acronym" if len(core) == 1 and is_acronym(head.text) else "name"
    return Mention(g.doc_id, g.start, g.end, g.text, label, key, kind)


# --- systems --------------------------------------------------------------------


def storyline_clusters(
    gold: Sequence[GoldMention],
    parsed: Mapping[str, Doc],
    system: Mapping[str, Sequence[Mention]],
    story_of: Mapping[str, str] | None,
    nouns: frozenset[str] = frozenset(),
) -> Clusters:
    """storyline's clustering of one group's gold mentions (rules in the module docstring)."""
    kinds = {g.id: kind_of(parsed[g.doc_id], g, nouns) for g in gold}
    names: dict[str, Mention] = {}
    label: dict[str, Hashable] = {}
    for g in gold:
        doc = parsed[g.doc_id]
        if kinds[g.id] == "name":
            names[g.id] = _name_mention(doc, g, system[g.doc_id])
        elif kinds[g.id] == "noun":
            role = _role_at(g, system[g.doc_id])
            if role is not None:
                names[g.id] = Mention(g.doc_id, g.start, g.end, g.text, "PERSON", role.key, "role")
            else:
                scope = (story_of or {}).get(g.doc_id, "")
                label[g.id] = ("noun", scope, _noun_lemma(doc, g, nouns))
    entity_of: dict[Mention, int] = {}
    for n, entity in enumerate(canonical_entities(list(names.values()), story_of)):
        for m in entity.mentions:
            entity_of[m] = n
    for gid, m in names.items():
        label[gid] = ("entity", entity_of[m])
    _nouns_to_names(gold, names, label, story_of)
    _pronouns(gold, kinds, names, label, parsed)
    return clusters_of(label)


def _noun_lemma(parsed: Doc, g: GoldMention, nouns: frozenset[str]) -> str:
    """The head lemma of a common-noun mention (a capitalised "Guards" as "guard")."""
    lemma = head_lemma(parsed, g)
    if lemma not in nouns and lemma.endswith("s") and lemma[:-1] in nouns:
        return lemma[:-1]
    return lemma


def _nouns_to_names(
    gold: Sequence[GoldMention],
    names: Mapping[str, Mention],
    label: dict[str, Hashable],
    story_of: Mapping[str, str] | None,
) -> None:
    """A noun joins the one name it must mean (in place).

    In its document, else its story: the one entity whose name ends in the noun
    ("the church", "Lorvik Bible Church"); in its scope, the one entity that carried
    the noun as a title ("the coach", "Coach Dunmore").
    """
    ends: dict[str, set[Hashable]] = defaultdict(set)
    titled: dict[tuple[str, str], set[Hashable]] = defaultdict(set)
    for gid, m in names.items():
        story = (story_of or {}).get(m.doc_id, "")
        last = m.key.split()[-1] if m.key else ""
        if m.kind == "name" and " " in m.key:
            ends[f"{m.doc_id}|{last}"].add(label[gid])
            if story:
                ends[f"{story}|{last}"].add(label[gid])
        for word in _title_words(m.text):
            titled[(story, word)].add(label[gid])
    followed: dict[Hashable, set[Hashable]] = defaultdict(set)
    for g in gold:
        lab = label.get(g.id)
        if not isinstance(lab, tuple) or lab[0] != "noun":
            continue
        scope, lemma = lab[1], lab[2]
        for owners in (ends.get(f"{g.doc_id}|{lemma}"), titled.get((scope, lemma))) + (
            (ends.get(f"{scope}|{lemma}"),) if scope else ()
        ):
            if owners:
                if len(owners) == 1:
                    label[g.id] = next(iter(owners))
                    followed[lab].add(label[g.id])
                break
    # The rest of a noun's cluster follows its linked members when they all agree.
    for gid, lab in list(label.items()):
        if len(followed.get(lab, ())) == 1:
            label[gid] = next(iter(followed[lab]))


def _pronouns(
    gold: Sequence[GoldMention],
    kinds: Mapping[str, str],
    names: Mapping[str, Mention],
    label: dict[str, Hashable],
    parsed: Mapping[str, Doc],
) -> None:
    """Pronouns join a mention of their document (in place).

    A relative pronoun joins the noun its clause hangs on ("a flaw that ...") or
    else the mention before it; a personal pronoun of a person the name mentioned
    most in the document, of a thing the last mention before it of the same number.
    """
    by_doc: dict[str, list[GoldMention]] = defaultdict(list)
    for g in gold:
        by_doc[g.doc_id].append(g)
    for doc_id, members in by_doc.items():
        doc = parsed[doc_id]
        members.sort(key=lambda g: (g.start, g.id))
        salient = Counter(label[g.id] for g in members if g.id in names)
        top = min(salient, key=lambda x: (-salient[x], str(x))) if salient else None
        for i, g in enumerate(members):
            if kinds[g.id] not in ("personal", "relative"):
                continue
            before = [p for p in members[:i] if p.id in label and 0 <= p.start < g.start]
            if kinds[g.id] == "relative":
                target = _relative_target(doc, g, members)
                if target is not None and target.id in label:
                    label[g.id] = label[target.id]
                    continue
            elif g.group != "HUMAN":
                plural = g.text.lower() in PLURAL
                agree = [p for p in before if _plural(doc, p) == plural]
                if agree:
                    label[g.id] = label[agree[-1].id]
                    continue
            if kinds[g.id] == "relative" and before:
                label[g.id] = label[before[-1].id]
            elif top is not None:
                label[g.id] = top
            else:
                label[g.id] = label[before[-1].id] if before else ("alone", g.id)


def _relative_target(
    doc: Doc, g: GoldMention, members: Sequence[GoldMention]
) -> GoldMention | None:
    """The mention holding the noun a relative clause modifies ("flaw" in "a flaw that ...")."""
    span = _span(doc, g)
    if span is None:
        return None
    clause = span.root.head
    if clause.dep_ != "relcl":
        return None
    noun = clause.head
    for m in members:
        if m is not g and 0 <= m.start <= noun.idx < m.end:
            return m
    return None


def _plural(doc: Doc, g: GoldMention) -> bool:
    span = _span(doc, g)
    return span is not None and _head(span).tag_ in ("NNS", "NNPS")


def _title_words(text: str) -> list[str]:
    """Leading words a person's key drops as titles: "Dr. Jane Roe" -> ["dr"]."""
    ws = words(text)
    kept = name_words(text, person=True)
    cut = len(ws) - len(kept) if kept and ws[-len(kept) :] == kept else 0
    return [w for w in ws[:cut] if w in TITLE_WORDS]


def _role_at(g: GoldMention, system: Sequence[Mention]) -> Mention | None:
    for m in system:
        if m.kind == "role" and g.start >= 0 and m.start <= g.start < m.end:
            return m
    return None


def lemma_clusters(
    gold: Sequence[GoldMention],
    parsed: Mapping[str, Doc],
    story_of: Mapping[str, str] | None,
    *,
    root: bool = False,
) -> Clusters:
    """The same-head-lemma baseline (last word, or syntactic head with ``root``), per scope."""
    head = root_lemma if root else last_lemma
    label = {g.id: ((story_of or {}).get(g.doc_id, ""), head(parsed[g.doc_id], g)) for g in gold}
    return clusters_of(label)


def clusters_of(label: Mapping[str, Hashable]) -> Clusters:
    """Mention ids grouped by label, each cluster sorted, clusters sorted."""
    groups: dict[Hashable, list[str]] = defaultdict(list)
    for gid in sorted(label):
        groups[label[gid]].append(gid)
    return sorted(groups.values())
