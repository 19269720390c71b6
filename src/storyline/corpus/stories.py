"""Story clustering: group documents that report the same real-world event or development.

Two reports of *one* earthquake are one story; two earthquakes are two stories,
even though they share most of their vocabulary. Plain tf-idf over words
mostly finds the *kind* of event, so each document also gets boosted features
that tell two events of one kind apart (see :class:`FeatureWeights`):

- **names**: capitalised word sequences ("Betty Ford Center"), and single
  capitalised words that do not open a sentence ("Lohan");
- **numbers with their unit**: "7 people", "6.1 magnitude", "33 year";
- **dates**: years, month-day pairs, month and weekday mentions;
- **title words**, when the document has a title.

Each feature family is a block of sublinear tf-idf weights, L2-normalised on
its own and scaled by the square root of its weight, so the cosine of two
documents is the weight-averaged cosine of their blocks. Documents are grouped
by average-linkage agglomerative clustering on that cosine, stopping at a
threshold, with a penalty for two dated documents far apart in time.

Everything is deterministic: documents are processed in doc-id order, ties go
to the smaller doc id, nothing uses Python's salted ``hash()``. Only numpy is
needed.

Example:
    >>> docs = [
    ...     StoryInput("a", "A magnitude 6.1 earthquake struck Lorvik on Monday."),
    ...     StoryInput("b", "The Lorvik earthquake on Monday measured magnitude 6.1."),
    ...     StoryInput("c", "Fire destroyed the Harrow Mill warehouse in Denby."),
    ... ]
    >>> cluster_stories(docs)
    [['a', 'b'], ['c']]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

Vector = dict[str, float]
"""A sparse feature vector: feature name -> weight (feature names carry a block prefix)."""


@dataclass(frozen=True, slots=True)
class StoryInput:
    """What story clustering reads of a document.

    ``published`` is an ISO 8601 date or date-time (``"2013-05-02"``,
    ``"2013-05-02T17:45"``); only a value with a day is used for the date gap.
    """

    doc_id: str
    text: str
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class FeatureWeights:
    """Relative weight of each feature block in the document cosine.

    A block's weight is its share of the cosine when both documents have the
    block: with the defaults, words count 1, names 0.5, numbers 1, dates 0.5
    and title words 0.25 (out of 3.25 in all). Words, names, numbers and dates
    were tuned on the ECB+ train split only (see ``docs/benchmarks.md``);
    ECB+ has no titles, so the title weight is a guess, kept small.
    """

    words: float = 1.0
    names: float = 0.5
    numbers: float = 1.0
    dates: float = 0.5
    title: float = 0.25

    def of(self, block: str) -> float:
        """The weight of a block given by its feature prefix (``"w"``, ``"n"``, ...)."""
        return {
            "w": self.words,
            "n": self.names,
            "#": self.numbers,
            "d": self.dates,
            "t": self.title,
        }[block]


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Every knob of story clustering.

    Attributes:
        threshold: the lowest average cosine at which two groups still merge
            (tuned on ECB+ train).
        weights: feature block weights.
        max_gap_days: two documents published more than this many days apart
            (both dated to the day) get ``gap_penalty`` taken off their cosine.
            Not tuned: ECB+ documents carry no publication date. Reports of one
            event come out within days; a month apart is most often a new event.
        gap_penalty: how much cosine a date gap costs (not tuned either).
        centroid_size: how many of its strongest features a :class:`Story` keeps.
    """

    threshold: float = 0.16
    weights: FeatureWeights = field(default_factory=FeatureWeights)
    max_gap_days: int = 30
    gap_penalty: float = 0.3
    centroid_size: int = 400


DEFAULT_PARAMS = StoryParams()

# --- term extraction ----------------------------------------------------------

# Function words and reporting verbs: frequent everywhere, they say nothing about the event.
_STOPWORDS = frozenset(
    """a about above after again against all almost also although am among an and another any
    are around as at be became because been before being below between both but by can could
    did do does doing done down during each either else even ever every few for from further
    get gets got had has have having he her here hers herself him himself his how however i if
    in into is it its itself just last least less like made make many may me might more most
    much must my myself near neither never new next no nor not now of off often on once one
    only or other others our ours ourselves out over own per perhaps quite rather really said
    same say says she should since so some still such than that the their theirs them
    themselves then there these they this those though through thus to told too toward under
    until up upon us very was we well were what when where whether which while who whom whose
    why will with within without would yet you your yours yourself yourselves""".split()
)
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12",
    "dozens": "12+", "hundreds": "100+", "thousands": "1000+",
}  # fmt: skip
# Lower-case words allowed inside a name: "Bank of America", "Ali al Sistani".
_NAME_LINKS = frozenset("of de del der van von al bin la le da".split())

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.&]*")
_SENTENCE_END = re.compile(r"\n+|(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])")
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b\.?", re.IGNORECASE
)
_MONTH_NAME = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b", re.I)
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# Digits may touch their unit ("10km"); a number word must end ("ten days", not "tendency").
_NUMBER_UNIT = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)*|(?:" + "|".join(_NUMBER_WORDS) + r")\b)"
    r"\s*(?:-\s*)?([^\W\d_]{2,})",
    re.IGNORECASE,
)


def _normal_word(word: str) -> str:
    """Lower-case, drop a possessive, fold a plural: "Quakes" -> "quake", "Reid's" -> "reid"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    # A crude plural fold; good enough to make "quake"/"quakes" one feature.
    if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w


def _content_words(text: str) -> Iterable[str]:
    for match in _WORD.finditer(text):
        w = _normal_word(match.group())
        if len(w) > 1 and w not in _STOPWORDS:
            yield w


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s and s.strip()]


def _is_name_token(token: str) -> bool:
    """A capitalised word that may be part of a name (not a shouted headline word)."""
    if not token[0].isupper():
        return False
    low = token.lower().rstrip(".")
    if low in _STOPWORDS or low in _MONTHS or low in _WEEKDAYS:
        return False
    # All-caps words longer than an acronym are headline shouting ("PUBLISHED", "FIRED").
    return not (len(token) > 4 and token.isupper())


def _names(sentence: str) -> Iterable[str]:
    """Proper-noun features of one sentence: multi-word names and lone capitalised words.

    A capitalised word opening the sentence counts only as the start of a
    multi-word name ("Tara Reid checked ..."), since any sentence opens with one.
    """
    tokens = list(_NAME_TOKEN.finditer(sentence))
    i = 0
    while i < len(tokens):
        if not _is_name_token(tokens[i].group()):
            i += 1
            continue
        run = [tokens[i]]
        j = i + 1
        while j < len(tokens) and not sentence[run[-1].end() : tokens[j].start()].strip():
            word = tokens[j].group()
            if _is_name_token(word):
                run.append(tokens[j])
            elif (
                word in _NAME_LINKS
                and j + 1 < len(tokens)
                and _is_name_token(tokens[j + 1].group())
                and not sentence[tokens[j].end() : tokens[j + 1].start()].strip()
            ):
                run.append(tokens[j])
            else:
                break
            j += 1
        words = [t.group().lower().rstrip(".").replace("’", "'") for t in run]
        words = [w[:-2] if w.endswith("'s") else w for w in words]
        at_start = run[0] is tokens[0]
        if len(words) > 1:
            yield " ".join(words)
        elif not at_start:
            yield words[0]
        i = j


def _numbers(text: str) -> Iterable[str]:
    for match in _NUMBER_UNIT.finditer(text):
        number, unit = match.group(1).lower(), _normal_word(match.group(2))
        number = _NUMBER_WORDS.get(number, number.replace(",", ""))
        if unit in _STOPWORDS or unit in _MONTHS or _YEAR.fullmatch(number):
            continue
        yield f"{number} {unit}"


def _dates(text: str) -> Iterable[str]:
    for match in _YEAR.finditer(text):
        yield match.group(1)
    for match in _MONTH_DAY.finditer(text):
        yield f"{_MONTHS[match.group(1).lower()]}-{int(match.group(2))}"
    for match in _DAY_MONTH.finditer(text):
        yield f"{_MONTHS[match.group(2).lower()]}-{int(match.group(1))}"
    for match in _MONTH_NAME.finditer(text):
        yield f"m{_MONTHS[match.group(1).lower()]}"
    for match in _WEEKDAY.finditer(text):
        yield match.group(1).lower()


def document_terms(doc: StoryInput) -> Counter[str]:
    """Raw term counts of a document, each term prefixed by its block.

    Blocks: ``w:`` content words, ``n:`` names, ``#:`` numbers with units,
    ``d:`` dates, ``t:`` title words. The title also counts as text.

    Example:
        >>> sorted(document_terms(StoryInput("x", "In Lorvik 7 people died on Monday.")))
        ['#:7 people', 'd:monday', 'n:lorvik', 'w:died', 'w:lorvik', 'w:monday', 'w:people']
    """
    text = f"{doc.title}\n{doc.text}" if doc.title else doc.text
    terms: Counter[str] = Counter()
    terms.update(f"w:{w}" for w in _content_words(text))
    for sentence in _sentences(text):
        terms.update(f"n:{n}" for n in _names(sentence))
    terms.update(f"#:{n}" for n in _numbers(text))
    terms.update(f"d:{d}" for d in _dates(text))
    if doc.title:
        terms.update(f"t:{w}" for w in _content_words(doc.title))
    return terms


# --- weighting ----------------------------------------------------------------


def _idf(df: int, n_docs: int) -> float:
    """Smoothed idf, as scikit-learn's: a term in every document still weighs 1."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def weigh(
    terms: Mapping[str, int], df: Mapping[str, int], n_docs: int, weights: FeatureWeights
) -> Vector:
    """The unit-length feature vector of one document.

    Each block gets sublinear tf-idf ``(1 + log tf) * idf``, is scaled to length
    ``sqrt(weight)``, and the whole vector is scaled to length 1.

    Args:
        terms: the document's term counts (:func:`document_terms`).
        df: document frequency of each term in the collection.
        n_docs: number of documents in the collection.
        weights: block weights.

    Returns:
        feature -> weight, of length 1 (empty for a document with no terms).
    """
    blocks: dict[str, Vector] = {}
    for term, tf in terms.items():
        block = blocks.setdefault(term[0], {})
        block[term] = (1.0 + math.log(tf)) * _idf(df.get(term, 0), n_docs)
    vector: Vector = {}
    for name in sorted(blocks):
        block = blocks[name]
        scale = math.sqrt(weights.of(name)) / math.sqrt(sum(x * x for x in block.values()))
        vector.update((term, x * scale) for term, x in block.items())
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {term: x / norm for term, x in sorted(vector.items())} if norm else {}


def featurize(docs: Sequence[StoryInput], *, weights: FeatureWeights | None = None) -> list[Vector]:
    """Unit-length feature vectors of documents, with idf taken over these documents.

    Args:
        docs: the documents.
        weights: block weights (default :class:`FeatureWeights`).

    Returns:
        One sparse vector per document, in the order given.

    Example:
        >>> v = featurize([StoryInput("a", "Fire in Denby"), StoryInput("b", "Flood in Denby")])
        >>> round(sum(x * v[1].get(t, 0.0) for t, x in v[0].items()), 3)
        0.557
    """
    term_counts = [document_terms(d) for d in docs]
    df = _document_frequency(term_counts)
    w = weights or FeatureWeights()
    return [weigh(t, df, len(docs), w) for t in term_counts]


def _document_frequency(term_counts: Iterable[Mapping[str, int]]) -> Counter[str]:
    df: Counter[str] = Counter()
    for terms in term_counts:
        df.update(terms.keys())
    return df


def _similarity(rows: Sequence[Vector], cols: Sequence[Vector]) -> np.ndarray:
    """Dot products of two lists of sparse vectors, as a dense ``len(rows) x len(cols)`` array.

    Only features present on both sides can contribute, so only those become columns.
    """
    shared = sorted({t for v in rows for t in v} & {t for v in cols for t in v})
    index = {t: i for i, t in enumerate(shared)}

    def dense(vectors: Sequence[Vector]) -> np.ndarray:
        cells = [
            (r, index[t], x) for r, v in enumerate(vectors) for t, x in v.items() if t in index
        ]
        m = np.zeros((len(vectors), len(shared)))
        if cells:
            r, c, x = zip(*cells, strict=True)
            m[list(r), list(c)] = x
        return m

    left = dense(rows)
    return left @ (left if cols is rows else dense(cols)).T


# --- dates --------------------------------------------------------------------


def _day(published: str | None) -> date | None:
    if not published or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def _gap_penalty(
    rows: Sequence[tuple[date | None, date | None]],
    cols: Sequence[tuple[date | None, date | None]],
    params: StoryParams,
) -> np.ndarray:
    """Penalty for each pair of date ranges more than ``max_gap_days`` apart (0 if undated)."""

    def ordinals(spans: Sequence[tuple[date | None, date | None]]) -> tuple[np.ndarray, ...]:
        first = [a.toordinal() if a and b else np.nan for a, b in spans]
        last = [b.toordinal() if a and b else np.nan for a, b in spans]
        return np.array(first, dtype=float), np.array(last, dtype=float)

    a_first, a_last = ordinals(rows)
    b_first, b_last = ordinals(cols)
    # Days between the two ranges (0 if they overlap); NaN where either side is undated.
    gap = np.maximum(b_first[None, :] - a_last[:, None], a_first[:, None] - b_last[None, :])
    with np.errstate(invalid="ignore"):
        return np.where(gap > params.max_gap_days, params.gap_penalty, 0.0)


# --- clustering ---------------------------------------------------------------


def average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering of a similarity matrix, cut at a threshold.

    Two groups merge while the mean similarity over all their cross pairs is at
    least ``threshold``.

    Args:
        sim: a symmetric ``n x n`` similarity matrix (the diagonal is ignored).
        threshold: the lowest similarity at which groups merge.

    Returns:
        Groups of row indices, each sorted, groups sorted by their first index.

    Example:
        >>> average_linkage(np.array([[1, .9, .1], [.9, 1, .2], [.1, .2, 1]]), 0.5)
        [[0, 1], [2]]
    """
    return cut_tree(len(sim), average_linkage_tree(sim), threshold)


def average_linkage_tree(sim: np.ndarray) -> list[tuple[float, int, int]]:
    """Every merge of average-linkage clustering, down to one group.

    Runs the nearest-neighbour-chain algorithm: O(n²) time and one n x n
    matrix. It finds the same merges as always merging the closest pair first,
    because average linkage never makes a merged group closer to a third group
    than its closer part was; for the same reason a merge is never higher than
    the merges that built its two sides, so cutting the tree at a threshold
    (:func:`cut_tree`) gives what stopping at the threshold would. Ties go to
    the lower index.

    Args:
        sim: a symmetric ``n x n`` similarity matrix (the diagonal is ignored).

    Returns:
        ``n - 1`` merges ``(similarity, i, j)``, ``i`` and ``j`` being any
        member of each side, in the order they were made.

    Example:
        >>> average_linkage_tree(np.array([[1, .9, .1], [.9, 1, .3], [.1, .3, 1]]))
        [(0.9, 0, 1), (0.2, 0, 2)]
    """
    n = len(sim)
    s = np.array(sim, dtype=float)
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    active = np.ones(n, dtype=bool)
    merges: list[tuple[float, int, int]] = []
    chain: list[int] = []
    while len(merges) < n - 1:
        if not chain:
            chain.append(int(np.flatnonzero(active)[0]))
        a = chain[-1]
        row = np.where(active, s[a], -np.inf)
        row[a] = -np.inf
        b = int(np.argmax(row))
        # Prefer the previous chain element on a tie, so the chain always ends in a mutual pair.
        if len(chain) > 1 and row[chain[-2]] >= row[b]:
            b = chain[-2]
        if len(chain) == 1 or b != chain[-2]:
            chain.append(b)
            continue
        del chain[-2:]
        keep, drop = min(a, b), max(a, b)
        merges.append((float(row[b]), keep, drop))
        # Lance-Williams update: the merged group's mean similarity to every other group.
        merged = (size[keep] * s[keep] + size[drop] * s[drop]) / (size[keep] + size[drop])
        s[keep, :] = merged
        s[:, keep] = merged
        s[keep, keep] = -np.inf
        size[keep] += size[drop]
        active[drop] = False
    return merges


def cut_tree(n: int, merges: Iterable[tuple[float, int, int]], threshold: float) -> list[list[int]]:
    """The groups left by the merges at or above a threshold.

    Args:
        n: number of items.
        merges: ``(similarity, i, j)`` as :func:`average_linkage_tree` returns.
        threshold: the lowest similarity of a merge that is kept.

    Returns:
        Groups of indices, each sorted, groups sorted by their first index.

    Example:
        >>> cut_tree(3, [(0.9, 0, 1), (0.2, 0, 2)], 0.5)
        [[0, 1], [2]]
    """
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for height, i, j in merges:
        if height >= threshold:
            a, b = root(i), root(j)
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


def _check_unique(docs: Sequence[StoryInput]) -> None:
    seen: set[str] = set()
    for d in docs:
        if d.doc_id in seen:
            raise ValueError(f"document id {d.doc_id!r} is given twice; ids must be unique")
        seen.add(d.doc_id)


def cluster_stories(
    docs: Sequence[StoryInput],
    *,
    threshold: float | None = None,
    params: StoryParams = DEFAULT_PARAMS,
) -> list[list[str]]:
    """Group documents into stories.

    Args:
        docs: the documents; ids must be unique. Their order does not matter.
        threshold: overrides ``params.threshold`` (higher: more, smaller stories).
        params: features, threshold and date-gap settings.

    Returns:
        Stories as sorted lists of doc ids, sorted by their first id.

    Raises:
        ValueError: two documents share an id.

    Example:
        >>> cluster_stories([StoryInput("b", "Fire in Denby."), StoryInput("a", "Fire in Denby!")])
        [['a', 'b']]
    """
    ordered, sim = similarity_matrix(docs, params=params)
    cut = params.threshold if threshold is None else threshold
    return [[ordered[i].doc_id for i in g] for g in average_linkage(sim, cut)]


def similarity_matrix(
    docs: Sequence[StoryInput], *, params: StoryParams = DEFAULT_PARAMS
) -> tuple[list[StoryInput], np.ndarray]:
    """The documents sorted by id and their pairwise similarity, as clustering sees it.

    Similarity is the cosine of the feature vectors (:func:`featurize`) minus
    the date-gap penalty.

    Args:
        docs: the documents; ids must be unique.
        params: feature weights and date-gap settings.

    Returns:
        ``(documents sorted by id, n x n similarity matrix in that order)``.

    Raises:
        ValueError: two documents share an id.

    Example:
        >>> _, sim = similarity_matrix([StoryInput("a", "Fire in Denby."), StoryInput("b", "Fire")])
        >>> sim.shape
        (2, 2)
    """
    _check_unique(docs)
    ordered = sorted(docs, key=lambda d: d.doc_id)
    vectors = featurize(ordered, weights=params.weights)
    days = [(_day(d.published), _day(d.published)) for d in ordered]
    return ordered, _similarity(vectors, vectors) - _gap_penalty(days, days, params)


# --- incremental stories ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Story:
    """A story: its documents and what is needed to add more later.

    Attributes:
        id: ``"story-"`` + the smallest doc id when the story was made; kept
            when documents join, so ids are stable across runs.
        doc_ids: member ids, sorted.
        centroid: the mean of the members' feature vectors, its
            ``centroid_size`` strongest features, sorted by name. Its dot product
            with a document's vector is the document's average cosine to the
            members, the same quantity average linkage thresholds.
        df: for each feature, how many members have it (idf for newcomers).
        first_published: the earliest member date (``YYYY-MM-DD``), or None.
        last_published: the latest member date, or None.
    """

    id: str
    doc_ids: tuple[str, ...]
    centroid: tuple[tuple[str, float], ...]
    df: tuple[tuple[str, int], ...]
    first_published: str | None = None
    last_published: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form; :meth:`from_dict` reads it back."""
        return {
            "id": self.id,
            "doc_ids": list(self.doc_ids),
            "centroid": [[t, x] for t, x in self.centroid],
            "df": [[t, n] for t, n in self.df],
            "first_published": self.first_published,
            "last_published": self.last_published,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Story:
        return cls(
            id=str(d["id"]),
            doc_ids=tuple(str(x) for x in d["doc_ids"]),
            centroid=tuple((str(t), float(x)) for t, x in d["centroid"]),
            df=tuple((str(t), int(n)) for t, n in d["df"]),
            first_published=d.get("first_published"),
            last_published=d.get("last_published"),
        )

    def _span(self) -> tuple[date | None, date | None]:
        return _day(self.first_published), _day(self.last_published)


def assign_stories(
    existing: Sequence[Story],
    new_docs: Sequence[StoryInput],
    *,
    threshold: float | None = None,
    params: StoryParams = DEFAULT_PARAMS,
) -> list[Story]:
    """Add new documents to stories: join the closest existing one, or start new ones.

    Each new document joins the existing story with the highest average cosine
    to its members (date-gap penalty included) if that reaches the threshold;
    every document is compared with the stories as given, so the order of
    ``new_docs`` does not matter. The rest are clustered among themselves as
    :func:`cluster_stories` does and become new stories. Existing stories are
    never split or merged. Documents already in a story are skipped.

    Args:
        existing: the stories so far (may be empty).
        new_docs: documents to place; ids must be unique.
        threshold: overrides ``params.threshold``.
        params: the same settings the existing stories were made with.

    Returns:
        All stories, updated and new, sorted by id.

    Raises:
        ValueError: two new documents share an id.

    Example:
        >>> first = assign_stories([], [StoryInput("a", "Fire destroys Denby mill.")])
        >>> [s.doc_ids for s in assign_stories(first, [StoryInput("b", "Denby mill fire.")])]
        [('a', 'b')]
    """
    _check_unique(new_docs)
    cut = params.threshold if threshold is None else threshold
    known = {doc_id for s in existing for doc_id in s.doc_ids}
    stories = sorted(existing, key=lambda s: s.id)
    placed = _place(stories, [d for d in new_docs if d.doc_id not in known], len(known), params)
    if not placed:
        return stories

    joined: dict[int, list[_Placed]] = {}  # story index -> the documents joining it
    leftovers = placed
    if stories:
        sim = _similarity([p.vector for p in placed], [dict(s.centroid) for s in stories])
        sim -= _gap_penalty([p.days for p in placed], [s._span() for s in stories], params)
        best = np.argmax(sim, axis=1)  # the first maximum: the story with the smaller id
        leftovers = []
        for i, j in enumerate(best.tolist()):
            if sim[i, j] >= cut:
                joined.setdefault(j, []).append(placed[i])
            else:
                leftovers.append(placed[i])

    result = [_grow(s, joined[k], params) if k in joined else s for k, s in enumerate(stories)]
    if leftovers:
        vectors = [p.vector for p in leftovers]
        days = [p.days for p in leftovers]
        sim = _similarity(vectors, vectors) - _gap_penalty(days, days, params)
        for group in average_linkage(sim, cut):
            result.append(_grow(None, [leftovers[i] for i in group], params))
    return sorted(result, key=lambda s: s.id)


@dataclass(frozen=True, slots=True)
class _Placed:
    """A new document with what assignment needs of it."""

    doc: StoryInput
    terms: Counter[str]
    vector: Vector
    days: tuple[date | None, date | None]


def _place(
    stories: Sequence[Story], docs: Sequence[StoryInput], n_known: int, params: StoryParams
) -> list[_Placed]:
    """Featurise new documents (sorted by id) with idf over the stories' documents and them."""
    docs = sorted(docs, key=lambda d: d.doc_id)
    term_counts = [document_terms(d) for d in docs]
    df: Counter[str] = Counter()
    for story in stories:
        df.update(dict(story.df))
    df.update(_document_frequency(term_counts))
    n_docs = n_known + len(docs)
    return [
        _Placed(d, t, weigh(t, df, n_docs, params.weights), (_day(d.published),) * 2)
        for d, t in zip(docs, term_counts, strict=True)
    ]


def _grow(story: Story | None, added: Sequence[_Placed], params: StoryParams) -> Story:
    """A story with documents added (or a new one): running-mean centroid, summed df, dates.

    A new story's id is ``"story-"`` + its smallest doc id; a grown story keeps its id.
    """
    n = len(story.doc_ids) if story else 0
    vectors = [p.vector for p in added]
    weights = [1.0] * len(added)
    df: Counter[str] = _document_frequency(p.terms for p in added)
    days = [p.doc.published[:10] for p in added if p.days[0]]
    doc_ids = [p.doc.doc_id for p in added]
    if story:
        vectors.append(dict(story.centroid))
        weights.append(float(n))
        df.update(dict(story.df))
        days += [x for x in (story.first_published, story.last_published) if x]
        doc_ids += story.doc_ids
    strongest = sorted(_mean(vectors, weights).items(), key=lambda kv: (-kv[1], kv[0]))
    return Story(
        id=story.id if story else "story-" + min(doc_ids),
        doc_ids=tuple(sorted(doc_ids)),
        # Rounded so the JSON form reads back to the same story.
        centroid=tuple(sorted((t, round(x, 6)) for t, x in strongest[: params.centroid_size])),
        df=tuple(sorted(df.items())),
        first_published=min(days) if days else None,
        last_published=max(days) if days else None,
    )


def _mean(vectors: Sequence[Vector], weights: Sequence[float]) -> Vector:
    """The weighted mean of sparse vectors."""
    total: dict[str, float] = {}
    for v, w in zip(vectors, weights, strict=True):
        for term, x in v.items():
            total[term] = total.get(term, 0.0) + w * x
    n = sum(weights)
    return {term: x / n for term, x in total.items()}


# --- export -------------------------------------------------------------------


def story_summary(
    story: Story, docs: Sequence[StoryInput], *, params: StoryParams = DEFAULT_PARAMS
) -> dict[str, Any]:
    """The export form of a story.

    Args:
        story: the story.
        docs: documents to read titles and dates from; those not in the story
            are ignored, missing members are simply not consulted.
        params: feature weights used to find the most central document.

    Returns:
        ``{"id", "documents", "size", "title", "first_published",
        "last_published"}``. ``title`` is the title of the most central member
        that has one (highest average cosine to the other members, ties to the
        smaller id), or None; the dates are the earliest and latest member
        ``published`` values as given, or None.

    Example:
        >>> docs = [StoryInput("a", "Fire in Denby.", "Denby fire", "2024-05-02")]
        >>> story_summary(assign_stories([], docs)[0], docs)["title"]
        'Denby fire'
    """
    wanted = set(story.doc_ids)
    members = sorted((d for d in docs if d.doc_id in wanted), key=lambda d: d.doc_id)
    title = None
    titled = [i for i, d in enumerate(members) if d.title]
    if titled:
        vectors = featurize(members, weights=params.weights)
        centrality = _similarity(vectors, vectors).sum(axis=1)
        best = max(titled, key=lambda i: (centrality[i], -i))
        title = members[best].title
    published = sorted(d.published for d in members if d.published)
    return {
        "id": story.id,
        "documents": list(story.doc_ids),
        "size": len(story.doc_ids),
        "title": title,
        "first_published": published[0] if published else None,
        "last_published": published[-1] if published else None,
    }
