"""Matching keys for entity names: case, accents, articles, titles and transliteration.

Three levels, from strict to loose:

- :func:`entity_key`: the name's words, lowercased and accent-free, apostrophes
  and hyphens removed, leading articles, prepositions and (for people) titles
  dropped, the Arabic article ``al-``/``el-``/``ash-``... removed from each word:
  ``"Lt. Gen. Qasem al-Harrani's"`` -> ``"qasem harrani"``. Mentions with
  the same key are the same name.
- :func:`translit_token`: a word with transliteration variants folded (``q``/``k``,
  ``ou``/``u``/``o``, ``ee``/``i``/``e``, ``ei``/``ai``/``ey``, doubled letters,
  a final ``h`` after a vowel): ``"qassim"`` and ``"kasem"`` both give ``"kasim"``.
- :func:`same_token`: two words are the same name when their transliterations are
  equal, or one vowel edit apart (6 letters or more: ``muhamid``/``muhamad``), or
  one edit of any kind apart (8 letters or more: a typo in a long name). Short
  words must match exactly, so ``Ali`` and ``Alia`` or ``Daniel`` and ``Danielle``
  stay apart.

Example:
    >>> entity_key("President Kassem el-Daoud", person=True)
    'kassem daoud'
    >>> translit_key("qasem harrani") == translit_key("kassim harrani")
    True
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

# Titles and ranks that precede a person's name. Stripped only from person names
# ("General Motors" and "Prince Edward Island" keep theirs) and only at the front.
TITLE_WORDS = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father
    president vice deputy acting former late prime minister premier chancellor
    secretary general gen lt lieutenant brig brigadier maj major col colonel capt captain
    cmdr commander cmdt commandant sgt sergeant cpl corporal pvt adm admiral rear
    marshal field staff chief
    gov governor sen senator rep representative congressman congresswoman mayor
    judge justice magistrate prosecutor detective inspector superintendent constable officer
    ambassador envoy
    king queen prince princess crown emir sheikh sheik shaikh sultan pope cardinal
    bishop archbishop imam ayatollah grand mullah rabbi pastor
    supreme leader foreign defense defence interior finance health
    """.split()
)
# Words that are titles only together with a title word before them ("Foreign Minister"):
# a name may start with them ("Grand" is a surname too), so they go only as part of a run.
_TITLE_ONLY_IN_RUN = frozenset(
    "vice deputy acting former late grand supreme crown field staff rear foreign defense "
    "defence interior finance health".split()
)
# "secretary of state", "minister of defence": joining words inside a title run.
_TITLE_JOINERS = frozenset({"of", "for", "the", "state"})

# Leading words that are not part of a name: "the Kremlin", "in Baghdad", "off Aden".
LEADING_FUNCTION_WORDS = frozenset(
    "the a an in at on off from near outside inside into to of by via".split()
)
NAME_SUFFIXES = frozenset("jr sr ii iii iv md phd dds esq".split())
ARABIC_ARTICLES = frozenset("al el ul il ad ar as ash at az an ath adh".split())
_ABD = re.compile(r"^abd(?:ul|el|al|ol|oul)$")
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bf\u02be`\u00b4"
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_QUOTE_RE = re.compile(
    rf"(?<!\w)[{_APOSTROPHES}\"]|[{_APOSTROPHES}\"](?!\w)|(?<=[a-z])[{_APOSTROPHES}](?=[A-Z])"
)
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s?$")
_WORD = re.compile(r"[a-z0-9]+(?:[-.][a-z0-9]+)*")
VOWELS = frozenset("aeiou")


def ascii_fold(text: str) -> str:
    """Lowercase, accents off (``"Pérez"`` -> ``"perez"``), typographic apostrophes unified."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The words of a name: folded, possessive and apostrophes removed, split at hyphens and dots.

    ``"Kata'ib al-Hizb's"`` -> ``["kataib", "al", "hizb"]``; ``"U.S."`` -> ``["us"]``.
    """
    return list(_words(text))


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    # An apostrophe inside a word is part of it ("Kata'ib", "O'Brien"); elsewhere it is a
    # quote mark and separates words ("sequel 'Catching Fire'" written without a space).
    folded = ascii_fold(_QUOTE_RE.sub(" ", text))
    out: list[str] = []
    for raw in folded.split():
        raw = _POSSESSIVE.sub("", raw) if len(raw) > 2 else raw
        raw = _APOSTROPHE_RE.sub("", raw)
        for chunk in _WORD.findall(raw):
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]?", chunk):
                out.append(chunk.replace(".", ""))  # an abbreviation: U.S. -> us
                continue
            out.extend(p for p in re.split(r"[-.]", chunk) if p)
    # Tokenised copy writes "U . S ." and "New Zealand 's": rejoin lone letters, drop "s".
    joined: list[str] = []
    letters = False  # whether joined[-1] is built from lone letters
    for w in out:
        if len(w) == 1 and joined and letters:
            joined[-1] += w
        elif w == "s" and joined:
            continue
        else:
            joined.append(w)
            letters = len(w) == 1
    return tuple(joined)


def strip_titles(tokens: list[str]) -> list[str]:
    """Drop a leading run of titles and ranks, keeping at least one word.

    ``["lt", "gen", "qasem", "daoud"]`` -> ``["qasem", "daoud"]``;
    ``["prime", "minister", "daoud"]`` -> ``["daoud"]``; ``["grand", "hotel"]`` unchanged.
    """
    i = 0
    run_has_title = False
    while i < len(tokens) - 1:
        t = tokens[i]
        if t in TITLE_WORDS and (t not in _TITLE_ONLY_IN_RUN or _title_run_continues(tokens, i)):
            run_has_title = True
            i += 1
        elif run_has_title and t in _TITLE_JOINERS and i + 1 < len(tokens) - 1:
            i += 1
        else:
            break
    # A run ending in "of"/"for"/"the" ("Minister of Lorvik Affairs"): those belong to the name.
    while i > 0 and tokens[i - 1] in ("of", "for", "the"):
        i -= 1
    return tokens[i:]


def _title_run_continues(tokens: list[str], i: int) -> bool:
    """True when a run-only title word is followed by a real title word ("Vice President")."""
    for t in tokens[i + 1 : -1]:
        if t in TITLE_WORDS and t not in _TITLE_ONLY_IN_RUN:
            return True
        if t not in _TITLE_ONLY_IN_RUN:
            return False
    return False


def name_words(text: str, *, person: bool = False) -> list[str]:
    """The key words of a name (see :func:`entity_key`)."""
    ws = words(text)
    while len(ws) > 1 and ws[0] in LEADING_FUNCTION_WORDS:
        ws = ws[1:]
    if person:
        ws = strip_titles(ws)
        while len(ws) > 2 and ws[-1] in NAME_SUFFIXES:
            ws = ws[:-1]  # "Arcade Comeaux Jr." is "Arcade Comeaux"
    # The Arabic article: "al-Asad", "Al Asad", "ash-Sham" -> "asad", "sham"; kept when it
    # is all there is, or the last word ("Abu al" is not a name on its own).
    kept = [w for j, w in enumerate(ws) if not (w in ARABIC_ARTICLES and j < len(ws) - 1)]
    return kept or ws


def entity_key(text: str, *, person: bool = False) -> str:
    """The strict matching key of a name.

    Args:
        text: the mention as written.
        person: strip titles and ranks too (only for people).

    Returns:
        Space-joined key words; ``""`` when the text has no letters or digits.

    Example:
        >>> entity_key("the Popular Mobilization Units")
        'popular mobilization units'
        >>> entity_key("Brig. Gen. Yusuf Al-Harrani's", person=True)
        'yusuf harrani'
    """
    return " ".join(name_words(text, person=person))


@lru_cache(maxsize=65536)
def translit_token(word: str) -> str:
    """One key word with transliteration variants folded (see the module docstring).

    Example:
        >>> [translit_token(w) for w in ("qasem", "qassim", "kassem", "hussein", "hassan")]
        ['kasim', 'kasim', 'kasim', 'husain', 'hasan']
    """
    if _ABD.match(word):
        return "abd"
    w = word.replace("ph", "f").replace("ck", "k").replace("q", "k").replace("dj", "j")
    w = re.sub(r"ou|oo", "u", w)
    w = w.replace("ee", "i")
    w = re.sub(r"ei|ey|ay|ae|ai", "ai", w)
    w = re.sub(r"(?<=[aeiou])h$", "", w) if len(w) > 3 else w
    w = re.sub(r"(?<=[^aeiou])re$", "er", w) if len(w) > 4 else w  # centre, center
    w = w.replace("o", "u").replace("e", "i")
    return re.sub(r"(.)\1+", r"\1", w)


def translit_key(key: str) -> str:
    """:func:`translit_token` applied to every word of a key."""
    return " ".join(translit_token(w) for w in key.split())


def consonants(key: str) -> str:
    """The consonant skeleton of a key (vowels and spaces out): a blocking key for fuzzy matching.

    ``translit_key`` forms that differ only in vowels share it.
    """
    return "".join(c for c in translit_key(key) if c not in VOWELS and c != " ")


def _one_edit(a: str, b: str) -> tuple[str, int] | None:
    """The letters involved and where, when ``a`` and ``b`` are exactly one edit apart.

    Returns ``(changed letters, position)``: one letter for an insertion or deletion,
    two for a substitution or a swap of neighbours; None when not one edit apart.
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return None
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return (b[i], i) if a[i:] == b[i + 1 :] else None
    if a[i + 1 :] == b[i + 1 :]:
        return a[i] + b[i], i
    if i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]:
        return a[i] + a[i + 1], i
    return None


VOWEL_EDIT_MIN = 6
ANY_EDIT_MIN = 8


def same_token(a: str, b: str) -> bool:
    """Whether two key words can be one name written two ways (see the module docstring).

    Example:
        >>> same_token("mohammed", "muhammad"), same_token("ali", "alia")
        (True, False)
    """
    if a == b:
        return True
    ta, tb = translit_token(a), translit_token(b)
    if ta == tb:
        return True
    shorter = min(len(ta), len(tb))
    if shorter < VOWEL_EDIT_MIN:
        return False
    edit = _one_edit(ta, tb)
    # An edit at the last letter makes another name (Antonio, Antonia; Christophe, Christopher).
    if edit is None or edit[1] >= shorter - 1:
        return False
    return shorter >= ANY_EDIT_MIN or all(c in VOWELS or c in "hyw" for c in edit[0])


def same_name(a: str, b: str) -> bool:
    """Whether two keys are one name: the same number of words, each pair :func:`same_token`.

    Names with different numbers of words are never matched here: "Barack Obama"
    and "Obama" are linked by surname rules that look at the story, not by spelling.
    """
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(same_token(x, y) for x, y in zip(wa, wb, strict=True))


def compatible_names(a: str, b: str) -> bool:
    """Whether two person keys can name one person, one written more fully.

    The surnames must be :func:`same_token`; the first names the same, or one a short
    form of the other ("fred"/"frederick", three letters at least); the middle names
    of the shorter one all among the longer one's; initials must not disagree
    ("george w bush" and "george h w bush" are two people). Single-word keys are
    never compatible here (surname rules handle them).

    Example:
        >>> compatible_names("fred larue", "frederick cheney larue")
        True
        >>> compatible_names("tara reid", "john reid")
        False
    """
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wb) < 2 or not same_token(wa[-1], wb[-1]):
        return False
    ia, ib = [w for w in wa[:-1] if len(w) == 1], [w for w in wb[:-1] if len(w) == 1]
    if ia and ib and ia != ib:
        return False
    na, nb = [w for w in wa[:-1] if len(w) > 1], [w for w in wb[:-1] if len(w) > 1]
    if not na or not nb:
        return not na and not nb or bool(ia or ib)
    if len(na) > len(nb):
        na, nb = nb, na
    first_a, first_b = na[0], nb[0]
    short, full = sorted((first_a, first_b), key=len)
    # A short form is a real prefix ("Fred", "Frederick"); one letter more is another name
    # ("Ali", "Alia").
    same_first = same_token(first_a, first_b) or (
        len(short) >= 3 and len(full) >= len(short) + 2 and full.startswith(short)
    )
    return same_first and all(any(same_token(m, x) for x in nb[1:]) for m in na[1:])


@lru_cache(maxsize=65536)
def display_name(text: str, *, person: bool) -> str:
    """A mention as a name: leading articles, prepositions and titles off, possessive off.

    Drops as many leading words as it can without changing the key:
    ``"the Lt. Gen. Qasem Daoud's"`` -> ``"Qasem Daoud"``.
    """
    parts = text.replace("\u2019", "'").split()
    if parts and parts[-1].lower() in ("'s", "'"):
        parts = parts[:-1]
    elif parts and parts[-1].lower().endswith("'s"):
        parts[-1] = parts[-1][:-2]
    if len(parts) < 2:
        return " ".join(parts)  # no leading word to drop
    want = name_words(" ".join(parts), person=person)
    start = 0
    while (
        start < len(parts) - 1 and name_words(" ".join(parts[start + 1 :]), person=person) == want
    ):
        start += 1
    return " ".join(parts[start:])


_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,9}|[A-Z](?:\.[A-Z])+\.?|[A-Z][A-Za-z]?[A-Z]{1,8}")
ACRONYM_SKIP = frozenset("of the and for in on at to de la del des du le les al el".split())


def is_acronym(text: str) -> bool:
    """Whether a mention is written as an acronym: ``PMU``, ``U.N.``, ``IRGC``, ``KRG``."""
    return bool(_ACRONYM.fullmatch(text.strip())) and sum(c.isupper() for c in text) >= 2


def acronym_key(text: str) -> str:
    """The key of an acronym: its letters, lowercased (``"U.N."`` -> ``"un"``)."""
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text))


def acronym_matches(acronym: str, expansion: str) -> bool:
    """Whether ``acronym`` abbreviates ``expansion`` ("PMU", "Popular Mobilization Units").

    The acronym's letters must be the initials of the expansion's words, in order,
    starting with the first word and using every word except joining words
    (``of``, ``the``, ``al``...), which may be used or skipped; a word may also
    give two letters ("Kataib Hezbollah" -> "KH", "Hayat Tahrir al-Sham" -> "HTS").

    Example:
        >>> acronym_matches("ISIL", "Islamic State of Iraq and the Levant")
        True
        >>> acronym_matches("PMU", "Popular Front")
        False
    """
    letters = acronym_key(acronym)
    ws = [w for w in words(expansion) if w]
    while len(ws) > 1 and ws[0] in LEADING_FUNCTION_WORDS:
        ws = ws[1:]
    if not letters or not ws:
        return False
    return _initials_cover(letters, ws)


def _initials_cover(letters: str, ws: list[str]) -> bool:
    @cache
    def go(i: int, j: int) -> bool:
        if j == len(ws):
            return i == len(letters)
        w = ws[j]
        if w in ACRONYM_SKIP and j > 0 and go(i, j + 1):
            return True
        if i < len(letters) and w[0] == letters[i]:
            if go(i + 1, j + 1):
                return True
            # Two letters from one word: "Hezbollah" -> "H" or "HB"? only its 2nd letter run.
            return i + 1 < len(letters) and letters[i + 1] in w[1:] and go(i + 2, j + 1)
        return False

    return go(0, 0)
