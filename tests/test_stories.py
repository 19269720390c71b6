"""Story clustering: same-kind events kept apart, rewrites together, incremental assignment.

The articles are fictional, written for these tests: two earthquakes in two
towns (same kind of event), a warehouse fire, and two arrests of one singer a
year apart, each with two or three rewrites; and a small pile about one
footbridge collapse told by six outlets over four days (names spelled several
ways), beside three reports of another bridge collapse in another town.
"""

from __future__ import annotations

import doctest
import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from storyline.corpus import stories, story_features, story_linkage
from storyline.corpus.stories import (
    DEFAULT_PARAMS,
    Story,
    StoryInput,
    StoryParams,
    assign_stories,
    average_linkage,
    average_linkage_tree,
    cluster_stories,
    cut_tree,
    document_terms,
    featurize,
    story_summary,
)
from storyline.corpus.story_features import background, idf

ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "ecbplus-dev"

LORVIK = [
    StoryInput(
        "q1-a",
        "A magnitude 6.1 earthquake struck the mountain town of Lorvik on Tuesday, killing "
        "12 people and damaging hundreds of homes. Rescue teams from Marren Province searched "
        "the rubble through the night. Mayor Ilse Brandt said the old market hall had collapsed.",
        "Earthquake kills 12 in Lorvik",
        "2021-03-09",
    ),
    StoryInput(
        "q1-b",
        "Twelve people died when an earthquake of magnitude 6.1 hit Lorvik on Tuesday. The "
        "quake flattened the market hall, Mayor Ilse Brandt told reporters, and rescuers from "
        "Marren Province worked overnight.",
        "Lorvik quake: 12 dead",
        "2021-03-09",
    ),
    StoryInput(
        "q1-c",
        "Rescuers in Lorvik pulled two survivors from the ruins of the market hall on "
        "Wednesday, a day after the 6.1 magnitude earthquake that killed 12 people. Ilse "
        "Brandt, the mayor, thanked the Marren Province teams.",
        "Survivors found in Lorvik",
        "2021-03-10",
    ),
]
SANDHAVEN = [
    StoryInput(
        "q2-a",
        "An earthquake of magnitude 5.4 shook the port city of Sandhaven on Sunday, injuring "
        "30 people. The harbour crane collapsed and the ferry terminal was closed. Governor "
        "Tomas Ekholm declared an emergency in Osterlund County.",
        "Quake injures 30 in Sandhaven",
        "2022-08-14",
    ),
    StoryInput(
        "q2-b",
        "Thirty people were hurt when a 5.4 magnitude earthquake hit Sandhaven on Sunday. "
        "Governor Tomas Ekholm said the ferry terminal would stay shut while engineers "
        "inspect the harbour. Osterlund County is under a state of emergency.",
        "Sandhaven earthquake",
        "2022-08-14",
    ),
    StoryInput(
        "q2-c",
        "Sandhaven's ferry terminal reopened on Tuesday, two days after the magnitude 5.4 "
        "earthquake. Osterlund County governor Tomas Ekholm lifted the emergency; 30 people "
        "had been injured.",
        "Sandhaven ferries sail again",
        "2022-08-16",
    ),
]
FIRE = [
    StoryInput(
        "f-a",
        "A fire destroyed the Harrow Mill warehouse in Denby early on Friday. Firefighters "
        "fought the blaze for six hours; nobody was hurt. The Denby fire chief, Rosa Quint, "
        "said the cause was electrical.",
        "Fire destroys Harrow Mill",
        "2023-01-20",
    ),
    StoryInput(
        "f-b",
        "Fire chief Rosa Quint said an electrical fault started the blaze that gutted the "
        "Harrow Mill warehouse in Denby on Friday. Crews needed six hours to put it out.",
        "Harrow Mill blaze was electrical",
        "2023-01-20",
    ),
]
ARRESTS = [
    StoryInput(
        "arrest-1",
        "Police in Denby arrested the singer Marco Vell after a fight outside the Blue Door "
        "nightclub on Saturday. Vell was released on bail and will appear before magistrates "
        "next month.",
        None,
        "2020-06-01",
    ),
    StoryInput(
        "arrest-2",
        "The singer Marco Vell was arrested by Denby police on Thursday for driving without a "
        "licence. Vell, 34, was released on bail.",
        None,
        "2021-06-03",
    ),
]
# One development: the Vellmoor footbridge collapse, told by six outlets over four days.
VELLMOOR = [
    StoryInput(
        "bridge-wire",
        "VELLMOOR (Nordic Wire) - The Saltgate footbridge over the river Aske collapsed on "
        "Saturday evening during the harvest fair, throwing dozens of people into the water. "
        "Four people died and 27 were taken to hospital, the regional rescue service said. "
        "Mayor Anneli Rautio said the bridge had been inspected in the spring.",
        "Footbridge collapse kills four in Vellmoor",
        "2024-09-14",
    ),
    StoryInput(
        "bridge-local",
        "Crowds watching the fireworks were on the old Saltgate bridge when it gave way, "
        "witnesses told the Aske Valley Courier. Rescuers pulled survivors from the Aske "
        "until midnight. Mayor Annelie Rautio called it the darkest night in Vellmoor's history.",
        "'It just folded': Vellmoor fair turns to tragedy",
        "2024-09-15",
    ),
    StoryInput(
        "bridge-blog",
        "We were fifty metres from the Saltgate bridge when we heard the crack. People were "
        "screaming in the Aske. The fair in Vellmore will never feel the same.",
        None,
        "2024-09-15",
    ),
    StoryInput(
        "bridge-toll",
        "The death toll from the Saltgate footbridge collapse in Vellmoor rose to five on "
        "Monday after a woman died in hospital. Rautio ordered every bridge over the Aske "
        "closed until engineers have checked them.",
        "Vellmoor bridge toll rises to five",
        "2024-09-16",
    ),
    StoryInput(
        "bridge-inquiry",
        "Prosecutors opened an inquiry into the collapse of Vellmoor's Saltgate footbridge. "
        "The contractor that repaired the bridge in 2019, Brekke Bygg, said it would cooperate. "
        "Mayor A. Rautio has asked the national roads agency for an independent review.",
        "Inquiry opened into Saltgate bridge collapse",
        "2024-09-17",
    ),
    StoryInput(
        "bridge-funeral",
        "Hundreds gathered in Vellmoor church on Tuesday to remember the five people killed "
        "when the Saltgate bridge fell into the Aske during the town's harvest fair.",
        "Vellmoor mourns bridge victims",
        "2024-09-17",
    ),
]
# The same kind of event, the same week, another town.
KARSBY = [
    StoryInput(
        "karsby-wire",
        "KARSBY (Nordic Wire) - A road bridge over the Linna canal in Karsby collapsed on "
        "Sunday morning, sending a delivery van and two cars into the water. Two drivers were "
        "injured. Mayor Lars Odegaard said the bridge had been closed to lorries since June.",
        "Road bridge collapses in Karsby",
        "2024-09-15",
    ),
    StoryInput(
        "karsby-local",
        "Divers recovered the van that fell into the Linna canal when the Karsby road bridge "
        "gave way. Lars Ödegaard, the mayor, said a ferry would carry commuters across the "
        "canal until a temporary bridge is built.",
        "Karsby bridge: ferry for commuters",
        "2024-09-16",
    ),
    StoryInput(
        "karsby-engineers",
        "Engineers blamed corroded steel cables for the collapse of the Linna canal bridge "
        "in Karsby, where two people were hurt on Sunday.",
        "Corroded cables behind Karsby bridge collapse",
        "2024-09-18",
    ),
]
EVENTS = [LORVIK, SANDHAVEN, FIRE]
ALL = [d for event in EVENTS for d in event]
GOLD = sorted(sorted(d.doc_id for d in event) for event in EVENTS)


def bare(docs: list[StoryInput]) -> list[StoryInput]:
    """The same documents without title or date: text alone must do."""
    return [StoryInput(d.doc_id, d.text) for d in docs]


@pytest.mark.parametrize(
    "module", [stories, story_features, story_linkage], ids=lambda m: m.__name__
)
def test_module_examples(module: object) -> None:
    assert doctest.testmod(module).failed == 0


# --- features -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # A lone capitalised word opening a sentence is not a name; inside one it is.
        ("Rescuers reached Lorvik.", {"n:lorvik"}, {"n:rescuers"}),
        ("Tara Vell left. Police came.", {"n:tara vell"}, {"n:police"}),
        ("The Bank of Marren closed.", {"n:bank of marren"}, {"n:the bank of marren"}),
        ("It hit Lorvik on Tuesday, May 4, 2021.", {"d:2021", "d:5-4", "d:tuesday"}, set()),
        ("Seven people died and 1,200 homes fell.", {"#:7 people", "#:1200 home"}, set()),
        ("A 6.1 - magnitude quake.", {"#:6.1 magnitude"}, set()),
        ("A tendency to walk 10km.", {"#:10 km"}, {"#:10 dency"}),
        ("It was built in 1998 by hand.", {"d:1998"}, {"#:1998 by"}),
        ("PUBLISHED: FRIDAY", set(), {"n:published"}),
    ],
)
def test_document_terms(text: str, present: set[str], absent: set[str]) -> None:
    terms = set(document_terms(StoryInput("x", text)))
    assert present <= terms
    assert not absent & terms


def test_title_words_are_their_own_block() -> None:
    terms = document_terms(StoryInput("x", "Body text.", title="Harbour crane falls"))
    assert {"t:harbour", "t:crane", "t:fall", "w:crane"} <= set(terms)


def test_vectors_have_unit_length() -> None:
    for v in featurize(ALL):
        assert sum(x * x for x in v.values()) == pytest.approx(1.0)


def test_multi_word_names_also_give_their_last_word() -> None:
    terms = document_terms(StoryInput("x", "It was Anneli Rautio who spoke."))
    assert {"n:anneli rautio", "n:rautio"} <= set(terms)


def test_background_is_shipped_and_knows_common_words() -> None:
    reference = background()
    assert reference.n_docs > 10_000
    assert reference.share("w:people") > reference.share("w:bridge") > 0.0
    # A name is as rare as its rarest word; a name the background never saw is rare.
    assert reference.share("n:port vellmoor") == reference.share("w:vellmoor") == 0.0
    assert reference.share("n:new york") == reference.share("w:york")
    assert reference.share("#:5 people") == 0.0


def test_story_words_keep_their_weight_when_every_document_has_them() -> None:
    n, every = len(VELLMOOR), len(VELLMOOR)
    # Alone, the pile says a word in every document is worth the least...
    assert idf(every, n, 0.0, 0.0) < idf(1, n, 0.05, 0.0)
    # ... beside the background, a rare word in every document outweighs a common one in one.
    assert idf(every, n, 0.0, 3000.0) > idf(1, n, 0.05, 3000.0)


# --- batch clustering ---------------------------------------------------------


@pytest.mark.parametrize("with_metadata", [True, False], ids=["titled-dated", "text-only"])
def test_two_earthquakes_are_two_stories(with_metadata: bool) -> None:
    docs = ALL if with_metadata else bare(ALL)
    assert cluster_stories(docs) == GOLD


def test_date_gap_splits_two_arrests_a_year_apart() -> None:
    dated = cluster_stories(ALL + ARRESTS)
    assert ["arrest-1"] in dated and ["arrest-2"] in dated
    # Without dates the two arrests read alike: the gap is what tells them apart.
    assert ["arrest-1", "arrest-2"] in cluster_stories(bare(ALL + ARRESTS))


@pytest.mark.parametrize("with_metadata", [True, False], ids=["titled-dated", "text-only"])
def test_small_pile_about_one_event_is_one_story(with_metadata: bool) -> None:
    pile = VELLMOOR if with_metadata else bare(VELLMOOR)
    assert cluster_stories(pile) == [sorted(d.doc_id for d in VELLMOOR)]
    both = pile + (KARSBY if with_metadata else bare(KARSBY))
    assert cluster_stories(both) == [
        sorted(d.doc_id for d in VELLMOOR),
        sorted(d.doc_id for d in KARSBY),
    ]


@pytest.mark.parametrize("seed", range(4))
def test_small_pile_one_document_at_a_time_matches_batch(seed: int) -> None:
    docs = VELLMOOR + KARSBY
    random.Random(seed).shuffle(docs)
    found: list[Story] = []
    for doc in docs:
        found = assign_stories(found, [doc])
    assert sorted(list(s.doc_ids) for s in found) == cluster_stories(docs)


def test_idf_over_the_pile_alone_fragments_the_small_pile() -> None:
    # What the background is for: without it the one-event pile falls apart.
    assert len(cluster_stories(VELLMOOR, params=StoryParams(background_docs=0.0))) > 1


def test_deterministic_and_independent_of_input_order() -> None:
    expected = cluster_stories(ALL + ARRESTS)
    for seed in range(3):
        shuffled = list(ALL + ARRESTS)
        random.Random(seed).shuffle(shuffled)
        assert cluster_stories(shuffled) == expected


def test_output_is_sorted_and_covers_every_document() -> None:
    clusters = cluster_stories(ALL)
    assert all(c == sorted(c) for c in clusters)
    assert [c[0] for c in clusters] == sorted(c[0] for c in clusters)
    assert sorted(i for c in clusters for i in c) == sorted(d.doc_id for d in ALL)


def test_threshold_extremes() -> None:
    assert cluster_stories(ALL, threshold=1.01) == [[d.doc_id] for d in sorted(ALL, key=_id)]
    assert cluster_stories(ALL, threshold=-1.0) == [sorted(d.doc_id for d in ALL)]


def test_empty_and_duplicate_input() -> None:
    assert cluster_stories([]) == []
    with pytest.raises(ValueError, match="given twice"):
        cluster_stories([FIRE[0], FIRE[0]])


def _id(d: StoryInput) -> str:
    return d.doc_id


def test_average_linkage_matches_scipy() -> None:
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    distance = pytest.importorskip("scipy.spatial.distance")
    rng = np.random.default_rng(7)
    points = rng.normal(size=(40, 5))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    sim = points @ points.T
    d = 1.0 - sim
    np.fill_diagonal(d, 0.0)
    tree = hierarchy.linkage(distance.squareform(d, checks=False), "average")
    for threshold in (-0.2, 0.0, 0.3, 0.6, 0.9):
        labels = hierarchy.fcluster(tree, 1.0 - threshold, "distance")
        expected = sorted(np.flatnonzero(labels == k).tolist() for k in set(labels.tolist()))
        assert average_linkage(sim, threshold) == expected


def test_tree_cut_gives_every_threshold() -> None:
    sim = np.array([[1, 0.9, 0.1, 0.0], [0.9, 1, 0.3, 0.0], [0.1, 0.3, 1, 0.5], [0, 0, 0.5, 1]])
    tree = average_linkage_tree(sim)
    assert len(tree) == 3
    assert cut_tree(4, tree, 0.95) == [[0], [1], [2], [3]]
    assert cut_tree(4, tree, 0.5) == [[0, 1], [2, 3]]
    assert cut_tree(4, tree, -1) == [[0, 1, 2, 3]]


# --- incremental --------------------------------------------------------------


def _first_stories() -> list[Story]:
    return assign_stories([], LORVIK[:2] + SANDHAVEN[:2] + FIRE)


def test_new_stories_from_nothing_match_batch_clustering() -> None:
    docs = LORVIK[:2] + SANDHAVEN[:2] + FIRE
    assert sorted(list(s.doc_ids) for s in assign_stories([], docs)) == cluster_stories(docs)


def test_rewrite_joins_its_story_and_unrelated_article_starts_one() -> None:
    first = _first_stories()
    unrelated = ARRESTS[0]
    after = assign_stories(first, [LORVIK[2], unrelated])
    by_id = {s.id: s for s in after}
    assert by_id["story-q1-a"].doc_ids == ("q1-a", "q1-b", "q1-c")
    assert by_id["story-arrest-1"].doc_ids == ("arrest-1",)
    assert by_id["story-q2-a"] == next(s for s in first if s.id == "story-q2-a")  # untouched
    assert by_id["story-q1-a"].last_published == "2021-03-10"


def test_existing_stories_are_never_split_and_ids_are_stable() -> None:
    first = _first_stories()
    after = assign_stories(first, [SANDHAVEN[2], ARRESTS[1]])
    old = {s.id: set(s.doc_ids) for s in first}
    new = {s.id: set(s.doc_ids) for s in after}
    assert all(old[k] <= new[k] for k in old)
    assert "story-q2-a" in new and "q2-c" in new["story-q2-a"]


def test_a_new_document_can_bring_two_stories_together() -> None:
    # Made with a cut nothing reaches: each report is its own story.
    apart = assign_stories([], VELLMOOR[:5], threshold=1.01)
    assert len(apart) == 5
    joined = assign_stories(apart, VELLMOOR[5:])
    assert [s.doc_ids for s in joined] == [tuple(sorted(d.doc_id for d in VELLMOOR))]
    assert joined[0].id == min(s.id for s in apart)  # the smaller id is kept


def test_assignment_is_deterministic_and_order_free() -> None:
    first = _first_stories()
    new_docs = [LORVIK[2], SANDHAVEN[2], *ARRESTS]
    expected = assign_stories(first, new_docs)
    assert assign_stories(first, list(reversed(new_docs))) == expected
    assert assign_stories(list(reversed(first)), new_docs) == expected


def test_known_documents_are_skipped() -> None:
    first = _first_stories()
    assert assign_stories(first, LORVIK[:1]) == sorted(first, key=lambda s: s.id)


def test_placing_with_the_corpus_df_carried_outside_gives_the_same_stories() -> None:
    from collections import Counter

    from storyline.corpus.stories import place_documents

    first = _first_stories()
    new_docs = [LORVIK[2], SANDHAVEN[2], *ARRESTS]
    expected = assign_stories(first, new_docs)
    summed: Counter[str] = Counter()
    for s in first:
        summed.update(dict(s.df or ()))
    bare = [replace(s, df=None) for s in first]
    placed, df = place_documents(bare, new_docs, summed)
    assert [replace(s, df=None) for s in expected] == placed
    assert all(s.df is None for s in placed)
    # The counts returned are those the stories would have summed.
    every: Counter[str] = Counter()
    for s in expected:
        every.update(dict(s.df or ()))
    assert df == every
    with pytest.raises(ValueError, match="keeps no df"):
        assign_stories(bare, new_docs)
    stored = placed[0].to_dict()
    assert "df_terms" not in stored and Story.from_dict(stored) == placed[0]


def test_building_batch_after_batch_equals_placing_each_batch() -> None:
    from storyline.corpus.stories import StoryBuilder, place_documents

    order = sorted(ALL + ARRESTS + VELLMOOR, key=lambda d: d.doc_id[::-1])  # mixed events
    batches = [order[k : k + 4] for k in range(0, len(order), 4)]
    placed: list[Story] = []
    for batch in batches:
        placed, df = place_documents(placed, batch, None)
    builder = StoryBuilder([], None)
    for batch in batches:
        builder.add(batch)
    assert builder.stories == placed and builder.df == df
    assert len(placed) > 3 and any(len(s.doc_ids) > 2 for s in placed)
    # Terms computed ahead (as the corpus stage does, in blocks) change nothing.
    terms = {d.doc_id: document_terms(d) for d in order}
    ahead = StoryBuilder([], None)
    for batch in batches:
        ahead.add(batch, terms)
    assert ahead.stories == placed
    # A builder started from stories goes on as one that made them.
    half = len(batches) // 2
    again = StoryBuilder(place_documents([], [d for b in batches[:half] for d in b], None)[0], None)
    for batch in batches[half:]:
        again.add(batch)
    onward = StoryBuilder([], None)
    onward.add([d for b in batches[:half] for d in b])
    for batch in batches[half:]:
        onward.add(batch)
    assert again.stories == onward.stories


def test_encoded_rows_give_the_same_products_to_the_bit() -> None:
    from storyline.corpus.story_linkage import Encoder, similarity

    rng = random.Random(7)
    words = [f"w:{i}" for i in range(40)]

    def vector() -> dict[str, float]:
        return {w: rng.random() for w in rng.sample(words, rng.randint(0, 12))}

    rows, cols = [vector() for _ in range(9)], [vector() for _ in range(6)]
    enc = Encoder()
    # Columns encoded first: the vocabulary order differs from the rows' own order.
    enc_cols = [enc.row(v) for v in cols]
    enc_rows = [enc.row(v) for v in rows]
    assert np.array_equal(enc.similarity(enc_rows, enc_cols), similarity(rows, cols))
    assert np.array_equal(enc.similarity(enc_rows, enc_rows), similarity(rows, rows))
    assert enc.similarity([], enc_cols).shape == (0, 6)


def test_term_table_keeps_counts_in_their_order() -> None:
    from storyline.corpus.story_features import TermTable

    table = TermTable()
    for d in ALL:
        table.put(d.doc_id, document_terms(d))
    assert len(table) == len(ALL) and "q1-a" in table and "nope" not in table
    for d in ALL:
        got = table[d.doc_id]
        assert list(got.items()) == list(document_terms(d).items())
    table.put("q1-a", {"w:only": 3})
    assert table["q1-a"] == {"w:only": 3}


def test_story_json_round_trip() -> None:
    for story in _first_stories():
        stored = story.to_dict()
        assert "centroid_terms" in stored and "df_terms" in stored  # the compact form
        assert Story.from_dict(json.loads(json.dumps(stored))) == story
        # The form of earlier versions (pairs) still reads back.
        pairs = {k: v for k, v in stored.items() if not k.endswith(("_terms", "_values"))}
        pairs |= {"centroid": [[t, x] for t, x in story.centroid], "df": list(story.df)}
        assert Story.from_dict(json.loads(json.dumps(pairs))) == story
    # A term holding a tab keeps the pairs form.
    odd = replace(story, centroid=(("w:a\tb", 0.5),), df=())
    assert "centroid" in odd.to_dict() and odd.to_dict()["df_terms"] == ""
    assert Story.from_dict(json.loads(json.dumps(odd.to_dict()))) == odd


def test_story_summary() -> None:
    story = next(s for s in _first_stories() if s.id == "story-q1-a")
    summary = story_summary(story, ALL)
    assert summary == {
        "id": "story-q1-a",
        "documents": ["q1-a", "q1-b"],
        "size": 2,
        "title": summary["title"],
        "first_published": "2021-03-09",
        "last_published": "2021-03-09",
    }
    assert summary["title"] in {"Earthquake kills 12 in Lorvik", "Lorvik quake: 12 dead"}
    untitled = story_summary(story, bare(ALL))
    assert untitled["title"] is None and untitled["first_published"] is None


def test_summary_title_comes_from_the_most_central_document() -> None:
    odd = replace(LORVIK[2], text="Survivors pulled out.", title="Odd one")
    docs = [*LORVIK[:2], odd]
    story = assign_stories([], docs, threshold=-1.0)[0]
    titled = [replace(d, title=None) if d.doc_id == "q1-b" else d for d in docs]
    assert story_summary(story, titled)["title"] == LORVIK[0].title


# --- the target on ECB+ -------------------------------------------------------


@pytest.fixture(scope="module")
def ecbplus_tuned() -> tuple[Path, dict[str, float]]:
    path = ECBPLUS / "ecbplus_docs.jsonl"
    if not path.is_file():
        pytest.skip("../shared/datasets/ecbplus-dev is not beside the checkout")
    pytest.importorskip("sklearn")
    from storyline.evaluate.stories import tune_thresholds

    return path, tune_thresholds(path)


def test_beats_the_tfidf_baseline_on_ecbplus_dev(ecbplus_tuned: tuple[Path, dict]) -> None:
    from storyline.evaluate.stories import evaluate_stories

    path, thresholds = ecbplus_tuned
    assert thresholds["storyline"] == DEFAULT_PARAMS.threshold  # the default is the tuned value
    result = evaluate_stories(path, "dev", thresholds=thresholds)
    ours = result["systems"]["storyline"]
    base = result["systems"]["baseline"]
    assert ours["b_cubed"]["f1"] >= base["b_cubed"]["f1"]
    assert ours["ari"] >= base["ari"]
    assert result["gold_stories"] == ours["gold_clusters"] == 16


def test_beats_the_baseline_on_small_ecbplus_dev_piles(ecbplus_tuned: tuple[Path, dict]) -> None:
    from storyline.evaluate.stories import evaluate_small_piles

    path, thresholds = ecbplus_tuned
    result = evaluate_small_piles(path, "dev", thresholds=thresholds)
    assert result["piles"] == {"one-story": 32, "two-story": 16}
    ours, base = result["systems"]["storyline"], result["systems"]["baseline"]
    for kind in ("one-story", "two-story"):
        assert ours[kind]["b_cubed_f1"] >= base[kind]["b_cubed_f1"]
        assert ours[kind]["cluster_error"] <= base[kind]["cluster_error"]
    # One document at a time comes out as batch clustering does, or nearly.
    assert result["incremental_vs_batch"]["b_cubed_f1"] >= 0.95


# --- the evaluation harness on a tiny made-up ECB+-shaped file ----------------------


def _fake_ecbplus(tmp_path: Path) -> Path:
    folder = tmp_path / "ecbplus-dev"
    folder.mkdir()
    rows = []
    for split, events in (("train", [LORVIK, FIRE]), ("dev", [SANDHAVEN, FIRE])):
        for n, event in enumerate(events):
            for d in event:
                sentences = [s + "." for s in d.text.split(". ") if s]
                rows.append(
                    {"doc_id": f"{split}-{d.doc_id}", "topic": n, "subtopic": f"{n}_{split}",
                     "split": split, "url": None, "sentences": sentences, "cross_doc_chains": []}
                )  # fmt: skip
    path = folder / "ecbplus_docs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_evaluation_harness_runs_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from storyline.evaluate.stories import load_ecbplus, markdown, run

    path = _fake_ecbplus(tmp_path)
    docs, gold = load_ecbplus(path, "dev")
    assert [d.doc_id for d in docs] == sorted(gold) and len(set(gold.values())) == 2
    result = run(tmp_path)
    assert set(result["splits"]) == {"train", "dev"}
    dev = result["splits"]["dev"]["systems"]
    assert dev["storyline"]["b_cubed"]["f1"] == pytest.approx(1.0)
    assert set(dev) == {"storyline", "storyline-incremental", "baseline"}
    piles = result["small_piles"]["dev"]
    assert piles["piles"] == {"one-story": 4, "two-story": 0}
    assert piles["systems"]["storyline"]["one-story"]["b_cubed_f1"] == pytest.approx(1.0)
    assert piles["incremental_vs_batch"] == {"b_cubed_f1": 1.0, "identical": 1.0}
    table = markdown(result)
    assert "| dev | baseline | distance" in table
    assert "| dev | 4 one-story | storyline | 1.000 |" in table
    assert "| dev | 1.000 | 1.00 |" in table


def test_small_piles_are_drawn_the_same_way_every_time() -> None:
    from storyline.evaluate.stories import small_piles

    docs = VELLMOOR + KARSBY
    gold = {d.doc_id: "7_ecb" for d in VELLMOOR} | {d.doc_id: "7_ecbplus" for d in KARSBY}
    piles = small_piles(docs, gold)
    assert piles == small_piles(list(reversed(docs)), gold)
    assert [p.kind for p in piles] == ["one-story"] * 4 + ["two-story"] * 2
    assert all(5 <= len(p.docs) <= 6 for p in piles[:2]) and len(piles[2].docs) == 3
    assert all({gold[d.doc_id] for d in p.docs} == {"7_ecb", "7_ecbplus"} for p in piles[4:])


def test_evaluation_reports_missing_data(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from storyline.evaluate.stories import load_ecbplus, main

    assert main([str(tmp_path)]) == 2
    assert "ECB+ not found" in capsys.readouterr().err
    with pytest.raises(ValueError, match="unknown split"):
        load_ecbplus(_fake_ecbplus(tmp_path), "test")
