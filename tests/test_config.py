"""config: one frozen Config, from defaults, [tool.cleaner] in pyproject.toml, and CLI overrides."""

from __future__ import annotations

import dataclasses

import pytest

from cleaner.config import Config, ConfigError


def test_defaults_are_valid_and_frozen():
    config = Config()
    assert "segment" in config.stages and config.stages.index("normalize") < config.stages.index("segment")
    assert config.language_detector == "py3langid"
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.dedup_min_words = 3  # type: ignore[misc]


def test_missing_pyproject_or_table_gives_defaults(tmp_path):
    assert Config.from_pyproject(tmp_path / "missing.toml") == Config()
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "corpus"\n', encoding="utf-8")
    assert Config.from_pyproject(path) == Config()


def test_pyproject_table_sets_fields(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.cleaner]\nstages = ["normalize", "segment", "patterns"]\nlanguage_detector = "none"\n'
                    'dedup_min_words = 4\npatterns_dir = "my-patterns"\ntext_field = "body"\n', encoding="utf-8")
    config = Config.from_pyproject(path)
    assert config.stages == ("normalize", "segment", "patterns")
    assert config.language_detector == "none" and config.dedup_min_words == 4 and config.text_field == "body"
    # A relative patterns_dir is relative to the pyproject.toml, not to the working directory.
    assert config.patterns_dir == (tmp_path / "my-patterns").resolve()


@pytest.mark.parametrize("body, words", [
    ("[tool.cleaner]\nsparkle = 1\n", "sparkle"),
    ("[tool.cleaner]\nlanguage_detector = \"magic\"\n", "language_detector"),
    ("[tool.cleaner\n", "cannot read"),
])
def test_bad_pyproject_is_a_config_error_naming_the_file(tmp_path, body, words):
    path = tmp_path / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Config.from_pyproject(path)
    assert words in str(caught.value)
    if words != "language_detector":
        assert str(path) in str(caught.value)


def test_overrides_ignore_unset_values():
    base = Config(dedup_min_words=4)
    changed = base.with_overrides(language_detector="langdetect", patterns_dir=None)
    assert changed.language_detector == "langdetect" and changed.patterns_dir is None
    assert changed.dedup_min_words == 4
    assert base.language_detector == "py3langid"  # the original is unchanged


def test_stages_of_the_wrong_type_name_the_file(tmp_path):
    import pytest

    from cleaner.config import Config, ConfigError

    project = tmp_path / "pyproject.toml"
    project.write_text('[tool.cleaner]\nstages = "segment"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="pyproject.toml"):
        Config.from_pyproject(project)
