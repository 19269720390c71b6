from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

import storyline
from storyline.config import Config
from storyline.corpus import run as corpus_run
from storyline.store import open_store

FIX = Path(__file__).parent / "fixtures" / "reuse"


def _folders(tmp_path: Path, first: tuple[str, ...], second: tuple[str, ...]) -> tuple[Path, Path]:
    """Two input folders holding copies of the named fixtures: a store, then an add."""
    folders = tmp_path / "first", tmp_path / "second"
    for folder, names in zip(folders, (first, second), strict=True):
        folder.mkdir()
        for name in names:
            shutil.copy(FIX / name, folder / name)
    return folders


def _first_run(
    tmp_path: Path, first: tuple[str, ...], second: tuple[str, ...]
) -> tuple[Path, Path, Path, set[str]]:
    """:func:`_folders`, the first analysed into a store; with the ids of the documents of
    ``unrelated.txt`` (a story an add of the second folder must leave alone)."""
    folders = _folders(tmp_path, first, second)
    db = tmp_path / "inc.db"
    storyline.analyze([folders[0]], db=db)
    with open_store(db) as store:
        unrelated = {d.id for d in store.iter_documents() if "unrelated" in d.source}
    return *folders, db, unrelated


def test_analyze_fills_derivations_and_families(tmp_path) -> None:
    db = tmp_path / "s.db"
    storyline.analyze([FIX], db=db)
    out = tmp_path / "e.json"
    storyline.export("json", db=db, out=out)
    data = json.loads(out.read_text())
    by_id = {d["id"]: d["source"] for d in data["documents"]}
    pairs = {(Path(by_id[d["source_id"]]).stem, Path(by_id[d["derived_id"]]).stem, d["relation"])
             for d in data["derivations"]}  # fmt: skip
    assert ("wire", "repost-with-comment", "expanded") in pairs
    assert not any("unrelated" in p for pair in pairs for p in pair)
    sizes = sorted(f["size"] for f in data["families"])
    assert sizes == [1, 3]  # wire + repost + excerpt; the unrelated story alone


def test_incremental_equals_from_scratch_and_reuses_features(tmp_path, monkeypatch) -> None:
    first, second = _folders(
        tmp_path, ("wire.txt", "unrelated.txt"), ("repost-with-comment.txt", "excerpt.txt")
    )

    inc = tmp_path / "inc.db"
    storyline.analyze([first], db=inc)
    tokenized: list[str] = []
    real = corpus_run.tokenize
    monkeypatch.setattr(corpus_run, "tokenize", lambda text: tokenized.append(text) or real(text))
    storyline.analyze([second], db=inc)
    # Only the two new documents (and the one old document they pair with) were read.
    assert len(tokenized) <= 3
    monkeypatch.undo()

    scratch = tmp_path / "scratch.db"
    storyline.analyze([first, second], db=scratch)
    with open_store(inc) as a, open_store(scratch) as b:
        for name in ("derivations", "families"):
            assert a.get_section(name) == b.get_section(name)


def test_sources_can_be_switched_off(tmp_path) -> None:
    db = tmp_path / "s.db"
    storyline.analyze([FIX], db=db, config=Config().replace(sources={"enabled": False}))
    with open_store(db) as store:
        assert store.get_section("derivations") == []


def test_unchanged_store_skips_corpus_work(tmp_path) -> None:
    db = tmp_path / "s.db"
    storyline.analyze([FIX], db=db)
    config = Config()
    with open_store(db) as store:
        before = {n: store.get_section(n) for n in ("derivations", "families", "stories")}
        assert corpus_run.update_corpus(store, config) is None
        report = corpus_run.update_corpus(store, config, force=True)
        assert report is not None and report.documents == 4
        assert {n: store.get_section(n) for n in before} == before
        # Other settings: the sections are recomputed.
        other = config.replace(stories={"threshold": 0.9})
        assert corpus_run.update_corpus(store, other) is not None


def test_exact_and_near_duplicates_are_flagged(tmp_path) -> None:
    wire = (FIX / "wire.txt").read_text()
    body = wire.split("\n", 2)[2]  # without the headline
    near = body.replace("Sunday afternoon", "Sunday evening").replace("officials said", "it said")
    records = [
        {"text": body, "outlet": "North Post"},
        {"text": body, "outlet": "South Post"},
        {"text": near, "outlet": "East Post"},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in records))
    db = tmp_path / "s.db"
    storyline.analyze([f], db=db)
    with open_store(db) as store:
        outlets = {d.id: d.outlet for d in store.iter_documents()}
        ds = store.get_section("derivations")
    pairs = {frozenset((outlets[d["source_id"]], outlets[d["derived_id"]])): d for d in ds}
    same = pairs[frozenset(("North Post", "South Post"))]
    assert same["exact_duplicate"] is True and same["jaccard"] == 1.0
    assert same["relation"] == "duplicate"
    close = pairs[frozenset(("North Post", "East Post"))]
    assert close["exact_duplicate"] is False and 0.8 <= close["jaccard"] < 1.0


def test_time_expressions_are_resolved_against_each_document(tmp_path) -> None:
    met = "The council met on Friday"
    records = [
        {"text": f"{met} and will vote again next week.", "published": "2024-03-09"},
        {"text": f"{met}, residents said.", "outlet": "Undated Post"},
    ]
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in records))
    db = tmp_path / "s.db"
    storyline.analyze([f], db=db)
    with open_store(db) as store:
        items = store.get_section("time_expressions")
        texts = {d.id: d.text for d in store.iter_documents()}
    for item in items:
        ev = item["evidence"]
        assert texts[ev["document_id"]][ev["start"] : ev["end"]] == ev["text"]
    fridays = [i for i in items if i["evidence"]["text"] == "Friday"]
    assert sorted((i["value"], i["anchored"]) for i in fridays) == [
        ("2024-03-08", True),  # the Friday before a Saturday publication date
        ("XXXX-WXX-5", False),  # no publication date: left unresolved
    ]


def test_entities_only_for_english_documents(tmp_path) -> None:
    pytest.importorskip("spacy")
    records = [
        {"text": "Mayor Ilona Varga opened the new bridge in Kesteren on Monday morning, "
                 "officials said, and thanked the engineers who built it.", "outlet": "A"},
        {"text": "Bürgermeisterin Ilona Varga eröffnete am Montag die neue Brücke in Kesteren "
                 "und dankte den Ingenieuren, die sie gebaut hatten.", "outlet": "B"},
    ]  # fmt: skip
    f = tmp_path / "in.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in records))
    db = tmp_path / "s.db"
    storyline.analyze([f], db=db)
    with open_store(db) as store:
        english = {d.id for d in store.iter_documents() if d.language == "en"}
        entities = store.get_section("entities")
    assert entities and len(english) == 1
    assert {m["document_id"] for e in entities for m in e["mentions"]} == english


def test_features_computed_elsewhere_still_get_aligned(tmp_path) -> None:
    # Dask workers store the derivation features before the corpus stage runs: a document
    # that has them is still new to the stage until it has been aligned.
    scratch, db = tmp_path / "scratch.db", tmp_path / "pre.db"
    storyline.analyze([FIX], db=scratch)
    storyline.analyze([FIX], db=db, config=Config().replace(sources={"enabled": False}))
    config = Config()
    with open_store(db) as store:
        docs = list(store.iter_documents())
        for name, values in corpus_run.derivation_features(docs, config.sources).items():
            store.put_features(name, values)
    storyline.analyze([FIX], db=db, config=config)
    with open_store(scratch) as a, open_store(db) as b:
        assert a.get_section("derivations")
        assert b.get_section("derivations") == a.get_section("derivations")


def test_an_incremental_run_summarises_only_the_stories_it_touched(tmp_path, monkeypatch) -> None:
    from storyline.outputs import summary

    first, second, db, unrelated = _first_run(
        tmp_path, ("wire.txt", "unrelated.txt"), ("repost-with-comment.txt",)
    )
    summarised: list[set[str]] = []
    real = summary._groups
    monkeypatch.setattr(
        summary,
        "_groups",
        lambda members, copies: summarised.append({d.id for d in members}) or real(members, copies),
    )
    storyline.analyze([second], db=db)
    assert summarised, "the story the new document joined is summarised again"
    assert not any(ids & unrelated for ids in summarised)


def test_an_incremental_run_rebuilds_language_items_only_for_touched_stories(
    tmp_path, monkeypatch
) -> None:
    from storyline.claims import conflicts

    # The repost first: a story is named by its smallest document id when made, and the
    # repost's id is the smaller one, so the story ids agree with a run from scratch.
    first, second, db, unrelated = _first_run(
        tmp_path, ("repost-with-comment.txt", "unrelated.txt"), ("wire.txt",)
    )
    with open_store(db) as store:
        before = {n: store.get_section(n) for n in ("claims", "quotes", "events")}
    assert any(c["evidence"]["document_id"] in unrelated for c in before["claims"])
    grouped: list[set[str]] = []
    real = conflicts.group_claims
    monkeypatch.setattr(
        conflicts,
        "group_claims",
        lambda claims, **kw: grouped.append({c.doc_id for c in claims}) or real(claims, **kw),
    )
    storyline.analyze([second], db=db)
    assert grouped and not any(ids & unrelated for ids in grouped)
    monkeypatch.undo()
    # The unrelated story's items were kept, and everything equals a run from scratch.
    scratch = tmp_path / "scratch.db"
    storyline.analyze([first, second], db=scratch)
    with open_store(db) as a, open_store(scratch) as b:
        for name in ("events", "timeline", "claims", "conflicts", "quotes"):
            assert a.get_section(name) == b.get_section(name), name
        kept = [c for c in a.get_section("claims") if c["evidence"]["document_id"] in unrelated]
    assert kept == [c for c in before["claims"] if c["evidence"]["document_id"] in unrelated]


def test_story_state_keeps_every_story_across_adds_and_a_layout_change(tmp_path) -> None:
    first, second = _folders(tmp_path, ("wire.txt", "unrelated.txt"), ("excerpt.txt",))
    db = tmp_path / "inc.db"
    storyline.analyze([first], db=db)

    def state_matches_stories() -> None:
        with open_store(db) as store:
            stories = {s["id"]: s["documents"] for s in store.get_section("stories")}
            state = store.get_section("story_state")
        assert [s["id"] for s in state] == sorted(stories)
        assert {s["id"]: s["doc_ids"] for s in state} == stories

    with open_store(db) as store:
        # As an older storyline left it: no layout in the state, sections written whole.
        old = store.get_section("corpus_state")[0]
        store.put_section("corpus_state", [{k: v for k, v in old.items() if k != "layout"}])
        store.put_section("story_state", store.get_section("story_state"))
    storyline.analyze([second], db=db)
    state_matches_stories()
    with open_store(db) as store:
        # The corpus's feature counts are one item; the stories keep none.
        (counts,) = store.get_section("story_df")
        assert counts["documents"] == 3 and "df_terms" not in store.get_section("story_state")[0]
        # Without the counts, the stories start over (and come out the same).
        store.put_section("story_df", [])
    shutil.copy(FIX / "repost-with-comment.txt", second / "repost-with-comment.txt")
    storyline.analyze([second], db=db)
    state_matches_stories()
    scratch = tmp_path / "scratch.db"
    storyline.analyze([first, second], db=scratch)
    with open_store(db) as a, open_store(scratch) as b:
        assert a.get_section("stories") == b.get_section("stories")
        assert a.get_section("story_df") == b.get_section("story_df")


def test_an_incremental_run_names_only_the_entities_it_has_not_seen(tmp_path, monkeypatch) -> None:
    from storyline.entities import canonical

    first, second, db, unrelated = _first_run(
        tmp_path, ("repost-with-comment.txt", "unrelated.txt"), ("wire.txt",)
    )
    with open_store(db) as store:
        before = store.get_section("entities")
    only_unrelated = [e for e in before if {m["document_id"] for m in e["mentions"]} <= unrelated]
    assert only_unrelated
    named: list[set[str]] = []
    real = canonical._identify
    monkeypatch.setattr(
        canonical,
        "_identify",
        lambda ms, *a: named.append({m.doc_id for m in ms}) or real(ms, *a),
    )
    storyline.analyze([second], db=db)
    assert named, "the new document's entities are named"
    assert not any(ids <= unrelated for ids in named)
    monkeypatch.undo()
    scratch = tmp_path / "scratch.db"
    storyline.analyze([first, second], db=scratch)
    with open_store(db) as a, open_store(scratch) as b:
        assert a.get_section("entities") == b.get_section("entities")
        after = a.get_section("entities")
        state = a.get_section("entity_state")
    assert [x for x in after if x in only_unrelated] == only_unrelated
    assert sorted(x["id"] for x in state) == sorted(e["id"] for e in after)


def test_stored_story_counts_come_from_their_section_else_from_the_stories() -> None:
    from storyline.corpus.stories import Story, pack_pairs
    from storyline.store.memory import MemoryStore

    with_df = [
        Story("s1", ("a", "b"), (("w:x", 1.0),), (("w:x", 2), ("w:y", 1))),
        Story("s2", ("c",), (("w:x", 1.0),), (("w:x", 1),)),
    ]
    store = MemoryStore()
    # An earlier layout: each story keeps its own counts.
    assert corpus_run._stored_df(store, with_df, {"a", "b", "c"}) == {"w:x": 3, "w:y": 1}
    bare = [dataclasses.replace(s, df=None) for s in with_df]
    assert corpus_run._stored_df(store, bare, {"a", "b", "c"}) is None
    store.put_section("story_df", [{"documents": 3, **pack_pairs("df", [("w:z", 3)])}])
    assert corpus_run._stored_df(store, bare, {"a", "b", "c"}) == {"w:z": 3}
    # Counts of another set of documents are not used.
    assert corpus_run._stored_df(store, bare, {"a", "b"}) is None
