"""Story features: what a document says that tells one event from another, and how much it weighs.

Plain tf-idf over words mostly finds the *kind* of event, so each document also
gets boosted features that tell two events of one kind apart (see
:class:`FeatureWeights`):

- **names**: capitalised word sequences ("Betty Ford Center") and their last
  word, and single capitalised words that do not open a sentence ("Lohan");
- **numbers with their unit**: "7 people", "6.1 magnitude", "33 year";
- **dates**: years, month-day pairs, month and weekday mentions;
- **title words**, when the document has a title.

A term's idf is taken over the pile *and* a background of ordinary news
(:class:`Background`), as if ``background_docs`` news stories stood beside the
pile. In ten articles about one dam failure, "Kessel" is in every one, and idf
over the pile alone would weigh it like "water"; the background knows it is rare.
On a large archive the pile's own counts take over.

Each feature family is a block of sublinear tf-idf weights, L2-normalised on
its own and scaled by the square root of its weight, so the cosine of two
documents is the weight-averaged cosine of their blocks. Only numpy is needed.
"""

from __future__ import annotations

import gzip
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from storyline.corpus.story_linkage import Vector

BACKGROUND_FILE = "story_background.tsv.gz"
"""Word document frequencies in Reuters-21578, under ``corpus/data/`` (see :func:`background`)."""


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
    block. Words, names, numbers and dates were tuned on the ECB+ train split
    only (see ``docs/benchmarks.md``); ECB+ has no titles, so the title weight
    is a guess, kept small.
    """

    words: float = 1.0
    names: float = 0.5
    numbers: float = 1.0
    dates: float = 0.5
    title: float = 0.25
    full_block: int = 3
    """A block with fewer distinct terms weighs in proportion: one lone year is thin evidence."""

    def of(self, block: str) -> float:
        """The weight of a block given by its feature prefix (``"w"``, ``"n"``, ...)."""
        return {
            "w": self.words,
            "n": self.names,
            "#": self.numbers,
            "d": self.dates,
            "t": self.title,
        }[block]


# --- background ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Background:
    """How many documents of a reference collection hold each (normalised) content word.

    Attributes:
        n_docs: documents in the collection.
        df: word -> documents holding it; a word not listed is rare (none).
    """

    n_docs: int
    df: Mapping[str, int]

    def share(self, term: str) -> float:
        """The share of background documents holding a feature (0.0 when unknown).

        Words (``w:``, ``t:``) are looked up as they are; a name (``n:``) is as
        rare as its rarest word, so "Port Selim" is as rare as "selim"; a weekday
        or month (``d:``) as its word; numbers and other dates count as unknown.
        """
        block, _, body = term.partition(":")
        if block in ("w", "t"):
            words = [body]
        elif block == "n":
            words = [normal_word(w) for w in body.split()]
            words = [w for w in words if w not in _NAME_LINKS and w not in STOPWORDS]
        elif block == "d" and body in _WEEKDAYS:
            words = [body]
        elif block == "d" and body[:1] == "m" and body[1:].isdigit():
            words = [_MONTH_NAMES[int(body[1:]) - 1]]
        else:
            return 0.0
        if not words or not self.n_docs:
            return 0.0
        return min(self.df.get(w, 0) for w in words) / self.n_docs


@lru_cache(maxsize=1)
def background() -> Background:
    """The shipped background: word document frequencies over Reuters-21578.

    Read once, on first use. Rebuilt by ``scripts/build_story_background.py``.
    """
    raw = resources.files("storyline.corpus").joinpath("data", BACKGROUND_FILE).read_bytes()
    n_docs = 0
    df: dict[str, int] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        word, count = line.split("\t")
        if word == "<documents>":
            n_docs = int(count)
        else:
            df[word] = int(count)
    return Background(n_docs, df)


# --- term extraction ----------------------------------------------------------

# Function words and reporting verbs: frequent everywhere, they say nothing about the event.
STOPWORDS = frozenset(
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
_MONTH_NAMES = (
    "january february march april may june july august september october november december".split()
)
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


def normal_word(word: str) -> str:
    """Lower-case, drop a possessive, fold a plural: "Quakes" -> "quake", "Reid's" -> "reid"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    # A crude plural fold; good enough to make "quake"/"quakes", "city"/"cities" one feature.
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w


def content_words(text: str) -> Iterable[str]:
    """The normalised words of a text, stop words and one-letter words left out."""
    for match in _WORD.finditer(text):
        w = normal_word(match.group())
        if len(w) > 1 and w not in STOPWORDS:
            yield w


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s and s.strip()]


def _is_name_token(token: str) -> bool:
    """A capitalised word that may be part of a name (not a shouted headline word)."""
    if not token[0].isupper():
        return False
    low = token.lower().rstrip(".")
    if low in STOPWORDS or low in _MONTHS or low in _WEEKDAYS:
        return False
    # All-caps words longer than an acronym are headline shouting ("PUBLISHED", "FIRED").
    return not (len(token) > 4 and token.isupper())


def _names(sentence: str) -> Iterable[str]:
    """Names in one sentence: multi-word names, their last word, lone capitalised words.

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
            # Its last word too: "Tara Reid" and a later "Reid" meet, and so do
            # "Farid al Nasser" and "Fareed Nasser".
            yield words[-1]
        elif not at_start:
            yield words[0]
        i = j


def _numbers(text: str) -> Iterable[str]:
    for match in _NUMBER_UNIT.finditer(text):
        number, unit = match.group(1).lower(), normal_word(match.group(2))
        number = _NUMBER_WORDS.get(number, number.replace(",", ""))
        if unit in STOPWORDS or unit in _MONTHS or _YEAR.fullmatch(number):
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
    return Counter(dict(_terms(doc.title, doc.text)))


def terms_block(docs: Sequence[StoryInput]) -> list[Counter[str]]:
    """:func:`document_terms` of each document: one task of a mapper (the corpus stage
    hands them out in blocks)."""
    return [document_terms(d) for d in docs]


class TermTable(Mapping[str, Counter[str]]):
    """Documents' term counts held compactly: each distinct term once, a document's
    counts as two integer arrays, in their original order (weighing adds them up in
    that order). A mapping of doc id -> :func:`document_terms`.

    Example:
        >>> table = TermTable()
        >>> table.put("a", {"w:fire": 2, "n:denby": 1})
        >>> table["a"], table.get("b")
        (Counter({'w:fire': 2, 'n:denby': 1}), None)
    """

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._terms: list[str] = []
        self._docs: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def put(self, doc_id: str, terms: Mapping[str, int]) -> None:
        """Keep ``doc_id``'s term counts (replacing any kept before)."""
        ids = []
        for term in terms:
            i = self._index.get(term)
            if i is None:
                i = self._index[term] = len(self._terms)
                self._terms.append(term)
            ids.append(i)
        counts = np.fromiter(terms.values(), dtype=np.int64, count=len(ids))
        self._docs[doc_id] = (np.asarray(ids, dtype=np.int64), counts)

    def put_block(self, docs: Sequence[StoryInput], terms: Sequence[Mapping[str, int]]) -> None:
        """Keep a block's term counts (as :func:`terms_block` gives them)."""
        for d, counts in zip(docs, terms, strict=True):
            self.put(d.doc_id, counts)

    def __getitem__(self, doc_id: str) -> Counter[str]:
        ids, counts = self._docs[doc_id]
        words = self._terms
        return Counter(dict(zip([words[i] for i in ids.tolist()], counts.tolist(), strict=True)))

    def __iter__(self) -> Iterator[str]:
        return iter(self._docs)

    def __len__(self) -> int:
        return len(self._docs)


# A document's terms are read again when its story is summarised or a pile is re-clustered:
# keep the last ones (bounded; a fresh Counter goes out each time, so nobody shares one).
@lru_cache(maxsize=1024)
def _terms(title: str | None, body: str) -> tuple[tuple[str, int], ...]:
    text = f"{title}\n{body}" if title else body
    terms: Counter[str] = Counter()
    terms.update(f"w:{w}" for w in content_words(text))
    for sentence in _sentences(text):
        terms.update(f"n:{n}" for n in _names(sentence))
    terms.update(f"#:{n}" for n in _numbers(text))
    terms.update(f"d:{d}" for d in _dates(text))
    if title:
        terms.update(f"t:{w}" for w in content_words(title))
    return tuple(terms.items())


# --- weighting ----------------------------------------------------------------


def idf(df: int, n_docs: int, share: float, background_docs: float) -> float:
    """Smoothed idf over the pile plus ``background_docs`` reference documents.

    ``share`` is the term's share of background documents. With no background
    this is scikit-learn's smoothed idf: a term in every document still weighs 1.
    """
    return math.log((1 + n_docs + background_docs) / (1 + df + background_docs * share)) + 1.0


def weigh(
    terms: Mapping[str, int],
    df: Mapping[str, int],
    n_docs: int,
    weights: FeatureWeights,
    background_docs: float = 0.0,
    shares: Mapping[str, float] | None = None,
) -> Vector:
    """The unit-length feature vector of one document.

    Each block gets sublinear tf-idf ``(1 + log tf) * idf`` (:func:`idf`), is
    scaled to length ``sqrt(weight)``, and the whole vector is scaled to length 1.

    Args:
        terms: the document's term counts (:func:`document_terms`).
        df: document frequency of each term in the pile.
        n_docs: number of documents in the pile.
        weights: block weights.
        background_docs: how many background documents stand beside the pile.
        shares: each term's share of background documents (:func:`background_shares`);
            a term not in it counts as rare.

    Returns:
        feature -> weight, of length 1 (empty for a document with no terms).
    """
    blocks: dict[str, Vector] = {}
    for term, tf in terms.items():
        share = shares.get(term, 0.0) if shares else 0.0
        x = (1.0 + math.log(tf)) * idf(df.get(term, 0), n_docs, share, background_docs)
        blocks.setdefault(term[0], {})[term] = x
    vector: Vector = {}
    for name in sorted(blocks):
        block = blocks[name]
        weight = weights.of(name) * min(1.0, len(block) / weights.full_block)
        scale = math.sqrt(weight) / math.sqrt(sum(x * x for x in block.values()))
        vector.update((term, x * scale) for term, x in block.items())
    norm = math.sqrt(sum(x * x for x in vector.values()))
    return {term: x / norm for term, x in sorted(vector.items())} if norm else {}


def featurize(
    docs: Sequence[StoryInput],
    *,
    weights: FeatureWeights | None = None,
    background_docs: float = 0.0,
) -> list[Vector]:
    """Unit-length feature vectors of documents, with idf over these documents and the background.

    Args:
        docs: the documents.
        weights: block weights (default :class:`FeatureWeights`).
        background_docs: how many documents of the shipped :func:`background`
            stand beside the pile (0: idf over the pile alone).

    Returns:
        One sparse vector per document, in the order given.

    Example:
        >>> v = featurize([StoryInput("a", "Fire in Denby"), StoryInput("b", "Flood in Denby")])
        >>> round(sum(x * v[1].get(t, 0.0) for t, x in v[0].items()), 3)
        0.469
    """
    return vectors([document_terms(d) for d in docs], weights, background_docs)


def vectors(
    term_counts: Sequence[Mapping[str, int]],
    weights: FeatureWeights | None = None,
    background_docs: float = 0.0,
) -> list[Vector]:
    """What :func:`featurize` gives, from the documents' :func:`document_terms`."""
    df = document_frequency(term_counts)
    w = weights or FeatureWeights()
    shares = background_shares(df, background_docs)
    return [weigh(t, df, len(term_counts), w, background_docs, shares) for t in term_counts]


def background_shares(terms: Iterable[str], background_docs: float) -> dict[str, float]:
    """Each term's share of the shipped :func:`background` (empty when ``background_docs`` is 0)."""
    if not background_docs:
        return {}
    reference = background()
    return {t: reference.share(t) for t in terms}


def document_frequency(term_counts: Iterable[Mapping[str, int]]) -> Counter[str]:
    """How many of the documents hold each term."""
    df: Counter[str] = Counter()
    for terms in term_counts:
        df.update(terms.keys())
    return df
