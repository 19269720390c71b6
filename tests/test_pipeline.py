from __future__ import annotations

from dataclasses import replace

import pytest

from storyline.config import Config
from storyline.errors import ConfigError, StageError
from storyline.model import Document
from storyline.pipeline import Pipeline, StageSpec, build_pipeline, registered

DOC = Document(id="", source="s", text="Share this story!\nThe dam held through the night.\n")


def test_default_pipeline_runs_in_order() -> None:
    pipe = build_pipeline(Config())
    assert pipe.names == Config().pipeline.stages
    out = pipe(DOC)
    assert out.text == "The dam held through the night.\n"
    assert [r.reason for r in out.removed] == ["share"]


def test_unknown_stage_suggests_a_name() -> None:
    cfg = Config().replace(pipeline={"stages": ["clean.rule.v1"]})
    with pytest.raises(ConfigError, match="did you mean 'clean.rules.v1'"):
        build_pipeline(cfg)


def test_unmet_requirement_fails_fast() -> None:
    cfg = Config().replace(pipeline={"stages": ["metadata.text.v1", "clean.rules.v1"]})
    with pytest.raises(ConfigError, match="needs removed"):
        build_pipeline(cfg)


def test_contract_checks() -> None:
    spec = registered()["language.langid.v1"]
    bad_type = Pipeline((("bad", lambda d: "oops", spec),))  # type: ignore[arg-type,return-value]
    with pytest.raises(StageError, match="returned str"):
        bad_type(DOC)
    sneaky = Pipeline((("sneaky", lambda d: replace(d, text="changed"), spec),))
    with pytest.raises(StageError, match="changed the text"):
        sneaky(DOC)

    def boom(d: Document) -> Document:
        raise ValueError("kaput")

    with pytest.raises(StageError, match="kaput"):
        Pipeline((("boom", boom, spec),))(DOC)


def test_stage_spec_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="unknown document fields"):
        StageSpec("x.v1", lambda c: lambda d: d, assigns=frozenset({"nonsense"}))
