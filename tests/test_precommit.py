"""The real pre-commit: `pre-commit try-repo` this checkout's hooks on a seed in a throwaway git repo.

try-repo installs the hook environment from the package index (a fresh one per call)
and uses this checkout's working tree, uncommitted changes to tracked files included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "seeds" / "004_c76126b345e48b29.txt"
MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"


def pre_commit_exe() -> str:
    beside = Path(sys.executable).parent / "pre-commit"
    found = str(beside) if beside.is_file() else shutil.which("pre-commit")
    assert found, "pre-commit is not installed (it is in the [test] extra)"
    return found


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for pre-commit: its store and pip's cache under pytest's temp folder, no stray GIT_* variables."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PRE_COMMIT_HOME=str(home / "store"), PIP_CACHE_DIR=str(home / "pip-cache"),
               PRE_COMMIT_COLOR="never", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def try_repo(hook: str, files: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pre_commit_exe(), "try-repo", str(REPO_ROOT), hook, "--files", *files],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )


def test_manifest_declares_both_hooks():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}
    assert set(hooks) == {"cleaner-check", "cleaner-fix"}
    assert hooks["cleaner-check"]["entry"] == "cleaner check"
    assert hooks["cleaner-fix"]["entry"].startswith("cleaner clean --in-place")
    for hook in hooks.values():
        assert hook["require_serial"] is True  # corpus-wide dedup needs every file in one process
        assert hook["language"] == "python"
        assert set(hook["stages"]) <= {"pre-commit", "pre-push", "manual"}


@pytest.mark.slow
def test_hooks_check_fix_check_on_a_seed(tmp_path, pre_commit_env):
    env = pre_commit_env
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    git("init", "-q", ".", cwd=corpus, env=env)
    git("config", "user.name", "Test", cwd=corpus, env=env)
    git("config", "user.email", "test@example.org", cwd=corpus, env=env)
    seed = corpus / "scrape.txt"
    shutil.copyfile(SEED, seed)
    git("add", "scrape.txt", cwd=corpus, env=env)

    checked = try_repo("cleaner-check", ["scrape.txt"], corpus, env)
    output = checked.stdout + checked.stderr
    assert "InvalidManifestError" not in output, output
    assert checked.returncode == 1, output
    assert "cleaner check" in output and "Failed" in output
    assert "scrape.txt:1: donation.support-publisher [donation]" in output
    assert "[newsletter]" in output
    assert seed.read_bytes() == SEED.read_bytes()  # the checker never writes

    fixed = try_repo("cleaner-fix", ["scrape.txt"], corpus, env)
    output = fixed.stdout + fixed.stderr
    assert fixed.returncode == 1, output
    assert "files were modified by this hook" in output
    assert "Fixing scrape.txt" in output
    text = seed.read_text(encoding="utf-8")
    for gone in ("Support The Moscow Times!", "Contribute today", "Dear readers,",
                 "Sign up for our free weekly newsletter", "Subscribers agree to the Privacy Policy",
                 "Your support, no matter how small"):
        assert gone not in text
    for kept in ("North Korea Sent More Troops and Weapons to Russia, South Korea’s Military Says",
                 "North Korea has deployed an additional 3,000 troops to Russia this year",
                 "analysts have suggested Pyongyang may be using the Ukraine war as a testing ground"):
        assert kept in text

    rechecked = try_repo("cleaner-check", ["scrape.txt"], corpus, env)
    assert rechecked.returncode == 0, rechecked.stdout + rechecked.stderr
    assert "Passed" in rechecked.stdout
