"""Rules 1 and 2 of :mod:`storyline.entities.canonical`: each mention's key rewritten to
the name it stands for (acronyms, surnames, short forms), in blocks of whole stories.

These rules look only inside a mention's document and story, but for two facts about
the whole corpus: the expansions an acronym was defined with anywhere, and the name a
short form was expanded to anywhere. So :func:`rewrite_keys` cuts the corpus into
blocks of whole stories (a document in no story is a scope of its own), sends each
block with the corpus's expansions of its acronyms (:class:`KeyBlock`), gets back its
keys and what its short forms were expanded to (:class:`ScopedKeys`), and settles the
leftover short forms with every block's expansions. A :data:`~storyline.corpus.blocks.Mapper`
maps the blocks, in this process or on a Dask cluster; the keys are the same either way,
and whatever the blocks' size.

Example:
    >>> from storyline.entities.mentions import Mention
    >>> ms = [Mention("d1", 0, 11, "Qasem Daoud", "PERSON", "qasem daoud"),
    ...       Mention("d2", 0, 5, "Daoud", "PERSON", "daoud")]
    >>> rewrite_keys(ms, {"d1": "s1", "d2": "s1"})
    ['qasem daoud', 'qasem daoud']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

from storyline.corpus.blocks import Mapper, serial_map, story_blocks
from storyline.entities.gazetteer import FAMILY
from storyline.entities.keys import acronym_key, is_acronym, same_name, same_token, translit_token
from storyline.entities.mentions import Mention

Scope = tuple[str, str]
"""Where a short form looks for its longer name: ``("doc", id)`` or ``("story", id)``."""


@dataclass(frozen=True)
class KeyBlock:
    """The mentions of whole stories, in canonical order, with what the corpus says of
    their acronyms (picklable, for a Dask worker).

    Attributes:
        mentions: the block's mentions, in the order :func:`rewrite_keys` was given them.
        scopes: document id -> its story (the scope surnames and short forms link in).
        acronyms: acronym key -> every expansion it has in the corpus (for the
            acronyms of the block written without one).
    """

    mentions: tuple[Mention, ...]
    scopes: Mapping[str, str]
    acronyms: Mapping[str, frozenset[str]]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Pickled with each mention as a plain tuple of its fields: three times faster
        # to send to a Dask worker than the mentions themselves.
        return _key_block, (tuple(map(_FIELDS, self.mentions)), self.scopes, self.acronyms)


_FIELDS = attrgetter(*(f.name for f in fields(Mention)))


def _key_block(rows: Sequence[tuple[Any, ...]], scopes: Any, acronyms: Any) -> KeyBlock:
    return KeyBlock(tuple(Mention(*row) for row in rows), scopes, acronyms)


@dataclass(frozen=True)
class ScopedKeys:
    """What :func:`scoped_keys` finds in a block.

    Attributes:
        keys: each mention's key, rules 1 and 2 applied within its story.
        expanded: ``(kind, short form, name)`` for each short form expanded in the block.
        left: ``(index in the block, kind)`` of the short forms it met no name for.
    """

    keys: tuple[str, ...]
    expanded: tuple[tuple[str, str, str], ...]
    left: tuple[tuple[int, str], ...]


def scoped_keys(block: KeyBlock) -> ScopedKeys:
    """Rules 1 and 2 over one block (a pure function of the block)."""
    ms, story = block.mentions, block.scopes
    keys = _expand_acronyms(ms, story, block.acronyms)
    _link_surnames(ms, keys, story)
    expanded, left = _link_short_forms(ms, keys, story)
    return ScopedKeys(
        tuple(keys),
        tuple(sorted((fam, short, k) for (fam, short), ks in expanded.items() for k in ks)),
        tuple(left),
    )


def key_blocks(
    ms: Sequence[Mention], story: Mapping[str, str], max_docs: int | None = None
) -> list[tuple[list[int], KeyBlock]]:
    """``ms`` cut into blocks of whole stories of at most ``max_docs`` documents (default
    :data:`~storyline.corpus.blocks.BLOCK_DOCS`; a larger story is a block of its own):
    ``(indices into ms, block)`` for each, indices ascending."""
    by_scope: dict[str, list[int]] = defaultdict(list)
    docs: dict[str, set[str]] = defaultdict(set)
    for i, m in enumerate(ms):
        scope = story[m.doc_id]
        by_scope[scope].append(i)
        docs[scope].add(m.doc_id)
    corpus = acronym_expansions(ms)
    out = []
    for scopes in story_blocks({s: len(d) for s, d in docs.items()}, max_docs):
        idx = sorted(i for s in scopes for i in by_scope[s])
        mentions = tuple(ms[i] for i in idx)
        wanted = {m.key for m in mentions if _undefined_acronym(m) and m.key in corpus}
        out.append(
            (
                idx,
                KeyBlock(
                    mentions,
                    {m.doc_id: story[m.doc_id] for m in mentions},
                    {a: frozenset(corpus[a]) for a in sorted(wanted)},
                ),
            )
        )
    return out


def rewrite_keys(
    ms: Sequence[Mention],
    story: Mapping[str, str],
    mapper: Mapper | None = None,
    *,
    max_docs: int | None = None,
) -> list[str]:
    """Each mention's key after rules 1 and 2, in the order of ``ms``.

    Args:
        ms: the corpus's mentions, deduplicated, in canonical order.
        story: document id -> story (every document of ``ms``).
        mapper: maps :func:`scoped_keys` over the blocks (default: in this process).
        max_docs: the most documents a block holds (:func:`key_blocks`).
    """
    blocks = key_blocks(ms, story, max_docs)
    keys = [m.key for m in ms]
    expanded: dict[tuple[str, str], set[str]] = defaultdict(set)
    left: list[tuple[int, str]] = []
    found = (mapper or serial_map)(scoped_keys, [block for _, block in blocks])
    for (idx, _), res in zip(blocks, found, strict=True):
        for i, k in zip(idx, res.keys, strict=True):
            keys[i] = k
        for fam, short, k in res.expanded:
            expanded[(fam, short)].add(k)
        left += [(idx[j], fam) for j, fam in res.left]
    # Elsewhere, a short form stands for what it stood for wherever it was expanded, if that
    # was always the same name ("Morningside" in a report that never gives it in full).
    for i, fam in left:
        options = expanded.get((fam, keys[i]), set())
        if len(options) == 1:
            keys[i] = next(iter(options))
    return keys


def acronym_expansions(ms: Sequence[Mention]) -> dict[str, set[str]]:
    """Acronym key -> every key an acronym so written was defined as, over ``ms``."""
    corpus: dict[str, set[str]] = defaultdict(set)
    for m in ms:
        if m.kind == "acronym" and acronym_key(m.text) != m.key:
            corpus[acronym_key(m.text)].add(m.key)
    return corpus


def _undefined_acronym(m: Mention) -> bool:
    """Whether ``m`` is an acronym written without its expansion (keyed as itself)."""
    return m.kind != "role" and is_acronym(m.text) and m.key == acronym_key(m.text)


def _expand_acronyms(
    ms: Sequence[Mention], story: Mapping[str, str], corpus: Mapping[str, Set[str]]
) -> list[str]:
    """Each mention's key, with undefined acronyms replaced by their one known expansion:
    in the story, else in the corpus (``corpus``: :func:`acronym_expansions`)."""
    keys = [m.key for m in ms]
    scoped: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m in ms:
        if m.kind == "acronym" and acronym_key(m.text) != m.key:
            scoped[(story[m.doc_id], acronym_key(m.text))].add(m.key)
    for i, m in enumerate(ms):
        if not _undefined_acronym(m):
            continue
        for options in (scoped.get((story[m.doc_id], m.key), set()), corpus.get(m.key, set())):
            if len(options) == 1:
                keys[i] = next(iter(options))
                break
    return keys


def _link_surnames(ms: Sequence[Mention], keys: list[str], story: Mapping[str, str]) -> None:
    """Rewrite the keys of one-word names to the full name they stand for (in place)."""
    in_doc: dict[str, list[tuple[int, str]]] = defaultdict(list)
    in_story: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)  # by surname
    for i, m in enumerate(ms):
        if m.label == "PERSON" and m.kind == "name" and " " in keys[i]:
            in_doc[m.doc_id].append((m.start, keys[i]))
            in_story[(story[m.doc_id], translit_token(keys[i].split()[-1]))][keys[i]] += 1
    for i, m in enumerate(ms):
        word = keys[i]
        if m.kind != "name" or " " in word or m.label not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        near = [(s, k) for s, k in in_doc.get(m.doc_id, ()) if same_token(k.split()[-1], word)]
        if not near and m.label == "PERSON":
            # A first name alone ("Marta") names the one person so called in the document.
            first = {k for _, k in in_doc.get(m.doc_id, ()) if same_token(k.split()[0], word)}
            if len(first) == 1:
                keys[i] = first.pop()
                continue
        if near:
            keys[i] = _closest(near, m.start)
            continue
        if m.label != "PERSON":
            continue  # across documents only the model's own PERSON mentions link
        counts = in_story.get((story[m.doc_id], translit_token(word)), Counter())
        people = _distinct_names(list(counts))
        if len(people) == 1:
            keys[i] = min(people[0], key=lambda k: (-counts[k], k))
    _link_compound_surnames(ms, keys, story, in_doc)


def _link_compound_surnames(
    ms: Sequence[Mention],
    keys: list[str],
    story: Mapping[str, str],
    in_doc: Mapping[str, list[tuple[int, str]]],
) -> None:
    """Two-word names that end a longer name of the document, else of the story, take its
    key: compound surnames ("Abdul-Mahdi" for "Adel Abdul Mahdi", "bin Salman", "Lopez
    Obrador"). In a story the longer name must be the only one so ending."""
    # By story and folded last word, so a short name looks only at names it could end.
    in_story: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for i, m in enumerate(ms):
        kw = keys[i].split()
        if m.label == "PERSON" and m.kind == "name" and len(kw) > 2:
            in_story[(story[m.doc_id], translit_token(kw[-1]))][keys[i]] += 1
    for i, m in enumerate(ms):
        ws = keys[i].split()
        if m.label != "PERSON" or m.kind != "name" or len(ws) != 2:
            continue
        near = [(s, k) for s, k in in_doc.get(m.doc_id, ()) if _ends_with(k, ws)]
        if near:
            keys[i] = _closest(near, m.start)
            continue
        counts = in_story.get((story[m.doc_id], translit_token(ws[-1])), Counter())
        people = _distinct_names([k for k in counts if _ends_with(k, ws)])
        if len(people) == 1:
            keys[i] = min(people[0], key=lambda k: (-counts[k], k))


def _ends_with(key: str, ws: list[str]) -> bool:
    """Whether a longer key ends with the words ``ws`` (transliteration-insensitive)."""
    kw = key.split()
    return len(kw) > len(ws) and all(
        same_token(a, b) for a, b in zip(kw[-len(ws) :], ws, strict=True)
    )


def _closest(near: list[tuple[int, str]], start: int) -> str:
    """The key of the nearest ``(offset, key)`` before ``start``, else of the first after."""
    before = [(s, k) for s, k in near if s < start]
    return max(before)[1] if before else min(near)[1]


def _link_short_forms(
    ms: Sequence[Mention], keys: list[str], story: Mapping[str, str]
) -> tuple[dict[tuple[str, str], set[str]], list[tuple[int, str]]]:
    """Rewrite the key of a shortened group or place name to the longer name it stands for.

    A name that starts one longer name of its kind ("Lorvik Harbour", "Lorvik Harbour
    Clinic") or, for groups, ends one ("Saints", "Lorvik Saints": teams and parties drop
    their place), in its document, else its story, takes that name's key. Where it fits
    several, they must nest ("Sox", "Red Sox", "Boston Red Sox"): it takes the longest.
    A one-word "person" that no surname rule took may be such a group (the model tags
    teams as people).

    Returns ``(expanded, left)``: the names each ``(kind, short form)`` was expanded to
    here, and the short forms ``(index, kind)`` that met no longer name here. Where a
    short form meets no longer name, it takes the one name it was expanded to anywhere
    in the corpus, if it was always the same one (:func:`rewrite_keys` does that, with
    every block's ``expanded``).
    """
    # The names that may be short forms, with their kind (a lone "person" may be a group).
    shorts: list[tuple[int, str]] = []
    longs: list[tuple[int, str]] = []  # group and place names of more than one word
    for i, m in enumerate(ms):
        if m.kind != "name":
            continue
        fam = FAMILY.get(m.label, "other")
        if fam == "person":
            if " " not in keys[i]:
                shorts.append((i, "group"))
        else:
            shorts.append((i, fam))
            if " " in keys[i]:
                longs.append((i, fam))
    wanted = {(fam, keys[i]) for i, fam in shorts}
    # (scope, kind, part) -> longer names; a scope is ("doc", id) or ("story", id), so a
    # story and a document never share one whatever their ids.
    longer: dict[tuple[Scope, str, str], set[str]] = defaultdict(set)
    parts_of: dict[tuple[str, str], list[str]] = {}  # a key's shorter names that may occur
    seen: set[tuple[str, str, str]] = set()
    for i, fam in longs:
        doc_id, key = ms[i].doc_id, keys[i]
        if (doc_id, fam, key) in seen:
            continue  # the same name again in the document: nothing new to index
        seen.add((doc_id, fam, key))
        parts = parts_of.get((key, fam))
        if parts is None:
            ws = key.split()
            # A place's longer names are mostly other places named after it ("Baghdad
            # airport", "US embassy"): only a generic suffix keeps the same place
            # ("Anbar province"). Groups keep their longer names unless those are sites.
            found = {" ".join(ws[:n]) for n in range(1, len(ws))}
            if fam == "group":
                found |= {" ".join(ws[n:]) for n in range(1, len(ws))}
            # Only a part that some mention has as its key is ever looked up.
            parts = parts_of[(key, fam)] = [p for p in found if (fam, p) in wanted]
        for part in parts:
            longer[(("doc", doc_id), fam, part)].add(key)
            longer[(("story", story[doc_id]), fam, part)].add(key)
    expanded: dict[tuple[str, str], set[str]] = defaultdict(set)
    left: list[tuple[int, str]] = []
    # What a short form in a document becomes depends only on these: decide it once.
    decided: dict[tuple[str, str, str, str], str | None] = {}
    some_longer = {(fam, part) for _, fam, part in longer}
    for i, fam in shorts:
        if (fam, keys[i]) not in some_longer:
            left.append((i, fam))  # no longer name anywhere starts or ends it
            continue
        m = ms[i]
        case = (m.doc_id, fam, m.label, keys[i])
        if case not in decided:
            decided[case] = _expand_short_form(longer, case, story[m.doc_id], expanded)
        outcome = decided[case]
        if outcome is None:
            left.append((i, fam))
        else:
            keys[i] = outcome
    return expanded, left


def _expand_short_form(
    longer: Mapping[tuple[Scope, str, str], set[str]],
    case: tuple[str, str, str, str],
    story: str,
    expanded: dict[tuple[str, str], set[str]],
) -> str | None:
    """The key a short form ``(document, kind, label, key)`` takes in its document, else
    its story (noted in ``expanded``); its own key when the longer names there do not
    nest; None when no longer name fits in either scope."""
    doc_id, fam, label, key = case
    for scope in (("doc", doc_id), ("story", story)):
        found = {
            k
            for k in longer.get((scope, fam, key), ())
            if _same_thing_longer(label, _extra_words(key, k))
        }
        if found:
            longest = max(found, key=lambda k: (len(k), k))
            if all(_nested(k, longest) for k in found):
                expanded[(fam, key)].add(longest)
                return longest
            return key
    return None


PLACE_SUFFIXES = frozenset(
    "province city region county state district governorate town village prefecture "
    "oblast territory republic municipality area".split()
)
SITE_WORDS = frozenset(
    "embassy consulate airport airbase base hospital camp port station bridge dam palace "
    "square street road prison mosque church school university stadium hotel".split()
)
HOLDER_WORDS = frozenset(
    "administration government regime campaign cabinet family dynasty presidency".split()
)
"""Words that make a longer name something *of* the short one: "the Trump
administration", "the Assad regime" are not what "Trump" or "Assad" name."""


def _extra_words(short: str, long: str) -> list[str]:
    """The words a longer key adds to a shorter one it starts or ends."""
    if long.startswith(short + " "):
        return long[len(short) + 1 :].split()
    return long[: -len(short) - 1].split()


def _same_thing_longer(label: str, extra: list[str]) -> bool:
    """Whether a short name labelled ``label`` can stand for the longer name that adds
    ``extra``: a town is not its airport or embassy ("Baghdad", "Baghdad airport"),
    though it is its province; a short form of a clinic is the clinic."""
    if label in ("GPE", "LOC"):
        return all(w in PLACE_SUFFIXES for w in extra)
    return not any(w in SITE_WORDS or w in HOLDER_WORDS for w in extra)


def _nested(short: str, long: str) -> bool:
    """Whether a key starts or ends another, in whole words (or is it)."""
    return short == long or long.startswith(short + " ") or long.endswith(" " + short)


def _distinct_names(keys: list[str]) -> list[list[str]]:
    """Keys grouped by :func:`same_name` (greedy, in sorted order)."""
    groups: list[list[str]] = []
    for k in sorted(keys):
        for g in groups:
            if same_name(g[0], k):
                g.append(k)
                break
        else:
            groups.append([k])
    return groups
