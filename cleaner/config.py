"""One frozen, typed configuration, filled from defaults, `[tool.cleaner]` and CLI flags."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .stages.dedup import DEDUP_MIN_WORDS, NEAR_MIN_WORDS, NEAR_THRESHOLD, SHINGLE_SIZE

# The stages run, in order. `decide` weighs the others' verdicts on a page read from HTML (see
# `stages.decide`); `dedup` is corpus-wide: it keeps the first copy of a block.
DEFAULT_STAGES = ("normalize", "segment", "patterns", "templates", "heuristics", "classify", "language", "decide", "dedup")
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
    # The MinHash pass: paragraphs of at least dedup_near_min_words words whose word shingles
    # overlap by dedup_threshold (Jaccard) with an earlier paragraph go. False: exact repeats only.
    dedup_near: bool = True
    dedup_threshold: float = NEAR_THRESHOLD
    dedup_shingle_size: int = SHINGLE_SIZE
    dedup_near_min_words: int = NEAR_MIN_WORDS
    # Where the index lives between runs: "memory" (one run only, the library's and CLI's default:
    # no file appears unasked), "sqlite" (the file dedup_index_path) or "redis" (dedup_redis_url).
    dedup_index: str = "memory"
    dedup_index_path: Path = Path(".cleaner/dedup.sqlite")
    dedup_redis_url: str = "redis://localhost:6379/0"
    # The index keeps about this many MB in memory and moves the rest, sorted, to files in a folder
    # under dedup_spill_dir (None: the system's temporary folder), so memory stays flat however large
    # the corpus; the folder is removed when the run ends. The templates pass's line counts spill
    # there too (past 64 MB). At 16 the index reaches its budget within the first 100 MB of input, past
    # which its memory stays level; 64 ran no faster on 500 MB (measured), it only saves a few merges on disk.
    dedup_memory_mb: int = 16
    dedup_spill_dir: Path | None = None
    # JSONL records: the field holding the text and the one naming the record.
    text_field: str = "text"
    id_field: str = "id"
    # A document that cleaning left with fewer words than this is dropped whole, never written as a stub
    # (one the cleaning took nothing from stays as it is). 3: a page emptied by its boilerplate or by dedup,
    # or left with "Advertisement" or a lone date, goes; every real page of seeds/ and the dev set keeps
    # far more. 0 writes whatever is left.
    min_words: int = 3
    # Only documents in these languages are written (codes as the detector names them, "und" for text too
    # short to tell); the others are dropped whole. Empty: every language.
    languages: tuple[str, ...] = ()

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
        if not 0.0 < self.dedup_threshold <= 1.0:
            raise ConfigError(f"dedup_threshold must be in (0, 1], not {self.dedup_threshold!r}")
        if not 1 <= self.dedup_shingle_size <= 10:
            raise ConfigError(f"dedup_shingle_size must be 1 to 10 words, not {self.dedup_shingle_size!r}")
        if self.dedup_index not in ("memory", "sqlite", "redis"):
            raise ConfigError(f"dedup_index must be memory, sqlite or redis, not {self.dedup_index!r}")
        if not isinstance(self.min_words, int) or isinstance(self.min_words, bool) or self.min_words < 0:
            raise ConfigError(f"min_words must be a whole number, 0 or more, not {self.min_words!r}")
        if not isinstance(self.languages, tuple) or not all(isinstance(code, str) and code for code in self.languages):
            raise ConfigError(f"languages must be a list of language codes, not {self.languages!r}")
        if self.languages and "language" in self.stages and self.language_detector == "none":
            raise ConfigError("languages needs a language detector (language_detector is 'none')")
        if not isinstance(self.dedup_memory_mb, int) or self.dedup_memory_mb < 1:
            raise ConfigError(f"dedup_memory_mb must be a whole number of MB, at least 1, not {self.dedup_memory_mb!r}")

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
        if "languages" in table:
            if not isinstance(table["languages"], list) or not all(isinstance(code, str) for code in table["languages"]):
                raise ConfigError(f"{path}: [tool.cleaner] languages must be a list of language codes")
            table["languages"] = tuple(table["languages"])
        if "dedup_index_path" in table:
            if not isinstance(table["dedup_index_path"], str):
                raise ConfigError(f"{path}: [tool.cleaner] dedup_index_path must be a path string")
            table["dedup_index_path"] = (path.parent / table["dedup_index_path"]).resolve()
        if "dedup_spill_dir" in table:
            if not isinstance(table["dedup_spill_dir"], str):
                raise ConfigError(f"{path}: [tool.cleaner] dedup_spill_dir must be a path string")
            table["dedup_spill_dir"] = (path.parent / table["dedup_spill_dir"]).resolve()
        if "patterns_dir" in table:
            if not isinstance(table["patterns_dir"], str):
                raise ConfigError(f"{path}: [tool.cleaner] patterns_dir must be a path string")
            table["patterns_dir"] = (path.parent / table["patterns_dir"]).resolve()
        try:
            return cls(**table)
        except (TypeError, ConfigError) as exc:
            raise ConfigError(f"{path}: [tool.cleaner]: {exc}") from None
