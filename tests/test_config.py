from __future__ import annotations

import pytest

from storyline.config import Config, load_config
from storyline.errors import ConfigError


def test_defaults_and_toml(tmp_path) -> None:
    p = tmp_path / "c.toml"
    p.write_text(
        '[fetch]\ntimeout = 3\nallow_private = true\n[pipeline]\nstages = ["clean.rules.v1"]\n'
    )
    cfg = load_config(p)
    assert cfg.fetch.timeout == 3.0 and cfg.fetch.allow_private is True
    assert cfg.pipeline.stages == ("clean.rules.v1",)
    assert cfg.ingest == Config().ingest


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[fetch]\ntimeuot = 3\n", "did you mean 'timeout'"),
        ("[fecth]\ntimeout = 3\n", "did you mean 'fetch'"),
        ("[fetch]\nallow_private = 'yes'\n", "true or false"),
        ("[ingest]\nmax_bytes = 'big'\n", "must be int"),
        ("[fetch]\ntimeout = \n", "not valid TOML"),
        ("fetch = 3\n", "must be a table"),
    ],
)
def test_bad_config_is_explained(tmp_path, toml: str, message: str) -> None:
    p = tmp_path / "c.toml"
    p.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(p)


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config("/nonexistent/storyline.toml")


def test_replace_merges_sections() -> None:
    cfg = Config().replace(fetch={"timeout": 1.5})
    assert cfg.fetch.timeout == 1.5 and cfg.fetch.max_redirects == Config().fetch.max_redirects


def test_story_defaults_match_the_library() -> None:
    from storyline.corpus.run import story_params
    from storyline.corpus.stories import StoryParams

    got, lib = story_params(Config()), StoryParams()
    assert (got.threshold, got.max_gap_days, got.gap_penalty) == (
        lib.threshold,
        lib.max_gap_days,
        lib.gap_penalty,
    )


def test_every_setting_is_documented() -> None:
    import dataclasses
    from pathlib import Path

    doc = (Path(__file__).parent.parent / "docs" / "config.md").read_text()
    for section in dataclasses.fields(Config):
        assert f"[{section.name}]" in doc
        for f in dataclasses.fields(getattr(Config(), section.name)):
            assert f"\n{f.name} = " in doc, f"{section.name}.{f.name} missing from docs/config.md"
