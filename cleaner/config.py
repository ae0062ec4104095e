"""One frozen, typed configuration, filled from defaults, `[tool.cleaner]` and CLI flags."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .stages.dedup import DEDUP_MIN_WORDS

# The stages run, in order. `dedup` is corpus-wide: it keeps the first copy of a block.
DEFAULT_STAGES = ("normalize", "segment", "patterns", "templates", "heuristics", "classify", "language", "dedup")
KNOWN_STAGES = frozenset(DEFAULT_STAGES)


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Config:
    """Settings for a `Cleaner`.

    >>> Config(dedup_min_words=4).dedup_min_words
    4
    """

    stages: tuple[str, ...] = DEFAULT_STAGES
    # None means the rules shipped with cleaner.
    patterns_dir: Path | None = None
    # py3langid: deterministic and ~20x faster than langdetect, which remains selectable.
    language_detector: str = "py3langid"
    # Blocks shorter than this are left to the rules: short lines repeat by nature.
    dedup_min_words: int = DEDUP_MIN_WORDS
    # JSONL records: the field holding the text and the one naming the record.
    text_field: str = "text"
    id_field: str = "id"

    def __post_init__(self) -> None:
        unknown = [s for s in self.stages if s not in KNOWN_STAGES]
        if unknown:
            raise ConfigError(f"unknown stage(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_STAGES)}")
        if "segment" not in self.stages:
            raise ConfigError("the 'segment' stage is required: every later stage works on its blocks")
        if self.language_detector not in ("py3langid", "langdetect", "none"):
            raise ConfigError(f"language_detector must be py3langid, langdetect or none, not {self.language_detector!r}")
        if self.dedup_min_words < 1:
            raise ConfigError("dedup_min_words must be at least 1")

    def with_overrides(self, **overrides: object) -> Config:
        """A copy with the given fields changed; None values are ignored (an unset CLI flag)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **given)

    @classmethod
    def from_pyproject(cls, path: Path) -> Config:
        """Read `[tool.cleaner]` from a pyproject.toml; a missing file or table gives the defaults."""
        if not path.is_file():
            return cls()
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("cleaner", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read [tool.cleaner]: {exc}") from None
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(table) - names)
        if unknown:
            raise ConfigError(f"{path}: unknown [tool.cleaner] key(s): {', '.join(unknown)}")
        if "stages" in table:
            if not isinstance(table["stages"], list) or not all(isinstance(s, str) for s in table["stages"]):
                raise ConfigError(f"{path}: [tool.cleaner] stages must be a list of stage names")
            table["stages"] = tuple(table["stages"])
        if "patterns_dir" in table:
            if not isinstance(table["patterns_dir"], str):
                raise ConfigError(f"{path}: [tool.cleaner] patterns_dir must be a path string")
            table["patterns_dir"] = (path.parent / table["patterns_dir"]).resolve()
        try:
            return cls(**table)
        except (TypeError, ConfigError) as exc:
            raise ConfigError(f"{path}: [tool.cleaner]: {exc}") from None
