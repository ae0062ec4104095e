"""Shared fixtures: paths into the checkout, ready-made cleaners, a CLI runner and a seeds run.

Nothing here reaches outside the repository: the suite must pass from a fresh
clone with no ../shared beside it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner import Cleaner, Config
from cleaner.cli import main as cli_main

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT / "seeds"
GOLD_PATH = Path(__file__).resolve().parent / "data" / "seeds-gold.json"

# Made-up article paragraphs (not seed text): plain prose that no rule or heuristic should touch.
PROSE = (
    "The city council approved the new budget on Monday after a long debate.",
    "The mayor said the money would pay for road repairs and two new schools.",
    "Opposition members argued that the plan raised property taxes too sharply.",
    "A final vote on the spending details is expected before the end of March.",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds a real pre-commit hook environment (needs the package index)")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    files = sorted(SEEDS_DIR.glob("*.txt"))
    assert files, f"no seeds in {SEEDS_DIR}"
    return files


@pytest.fixture(scope="session")
def gold_path() -> Path:
    return GOLD_PATH


@pytest.fixture(scope="session")
def prose() -> tuple[str, ...]:
    return PROSE


@pytest.fixture(scope="session")
def fast_cleaner() -> Cleaner:
    """Default rules and stages, no language model: the cheap cleaner for behaviour tests."""
    return Cleaner(Config(language_detector="none"))


@pytest.fixture(scope="session")
def default_cleaner() -> Cleaner:
    """Everything as shipped, py3langid included."""
    return Cleaner()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run_cli(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Invoke the click app in-process from an empty working directory.

    The CLI reads ./pyproject.toml for [tool.cleaner]; running from a fresh
    folder keeps the repository's own pyproject.toml out of the picture.
    """
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)

    def invoke(*args: str | Path, input: str | bytes | None = None):
        return runner.invoke(cli_main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def cleaner_exe() -> str:
    """The installed console script: next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "cleaner"
    if beside.is_file():
        return str(beside)
    found = shutil.which("cleaner")
    assert found, "the `cleaner` console script is not installed"
    return found


@pytest.fixture(scope="session")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds cleaned once by `cleaner clean seeds -o OUT` (in-process), shared by the seed tests."""
    out = tmp_path_factory.mktemp("seeds-out")
    workdir = tmp_path_factory.mktemp("seeds-cwd")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        result = CliRunner().invoke(cli_main, ["clean", str(SEEDS_DIR), "-o", str(out), "--no-progress"],
                                    catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out
