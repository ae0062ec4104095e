"""The real pre-commit: `pre-commit try-repo` this checkout's hooks on a seed in a throwaway git repo, and
`pre-commit run` / `git commit` with the README's `.pre-commit-config.yaml` on a generated corpus repository
with more staged files than one batch of arguments.

try-repo installs the hook environment from the package index (a fresh one per call)
and uses this checkout's working tree, uncommitted changes to tracked files included.
The README's configuration runs the `cleaner` of this test's environment (its `repo: local` hooks).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from texts import P1

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
    assert hooks["cleaner-check"]["entry"] == "cleaner check --dedup-index .cleaner/dedup.sqlite --index-committed"
    assert hooks["cleaner-fix"]["entry"].startswith("cleaner clean --in-place")
    for hook in hooks.values():
        assert hook["require_serial"] is True  # batches one after another, each reading what the last indexed
        assert "--dedup-index .cleaner/dedup.sqlite" in hook["entry"]  # one index for every batch and commit
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


# --- the README's configuration on a corpus larger than one batch ------------------------------------------------

BATCH_BYTES = 2**17  # pre-commit's cap on one invocation's arguments (pre_commit/xargs.py)
STOPWORDS = "the of and to in that was for on with as by at from it".split()


def readme_config() -> str:
    """The `.pre-commit-config.yaml` the README shows."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    (config,) = re.findall(r"```yaml\n# \.pre-commit-config\.yaml\n(.*?)```", readme, flags=re.DOTALL)
    return config


def paragraph(rng: random.Random, vocabulary: list[str]) -> str:
    """A made-up paragraph of prose-like text: content words between stop words, unlike any other."""
    words = []
    for _ in range(26):
        words += [rng.choice(STOPWORDS), rng.choice(vocabulary)]
    return " ".join(words).capitalize() + "."


def corpus_repo(root: Path, env: dict[str, str], files: int) -> list[str]:
    """A git repository with the README's hooks and `files` staged scrapes under corpus/ with long paths (1,200
    of them pass one batch of arguments); the last repeats a paragraph of the first. Returns the paths."""
    vocabulary = sorted({w.lower() for w in re.findall(r"[A-Za-z]{5,}", SEED.read_text(encoding="utf-8"))})
    rng = random.Random(24)
    git("init", "-q", ".", cwd=root, env=env)
    git("config", "user.name", "Test", cwd=root, env=env)
    git("config", "user.email", "test@example.org", cwd=root, env=env)
    (root / ".pre-commit-config.yaml").write_text(readme_config(), encoding="utf-8")
    (root / "corpus").mkdir()
    names = [f"corpus/{number:05d}-{'scraped-page-from-a-long-crawl-with-a-long-descriptive-name-' * 2}.txt" for number in range(files)]
    shared = paragraph(rng, vocabulary)
    for number, name in enumerate(names):
        body = [paragraph(rng, vocabulary), paragraph(rng, vocabulary)]
        if number in (0, files - 1):
            body.insert(1, shared)
        (root / name).write_text("\n\n".join(body) + "\n", encoding="utf-8")
    # Outside the corpus: the hooks must leave it alone, boilerplate and all.
    (root / "NOTES.txt").write_text("Subscribe to our newsletter\nSkip to content\n", encoding="utf-8")
    git("add", "-A", cwd=root, env=env)
    return names


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([pre_commit_exe(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture
def local_hooks_env(pre_commit_env: dict[str, str]) -> dict[str, str]:
    """pre-commit's environment with this test's `cleaner` on the PATH, for the README's `repo: local` hooks."""
    return {**pre_commit_env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{pre_commit_env.get('PATH', '')}"}


@pytest.mark.slow
def test_check_hook_sees_every_batch_and_every_earlier_commit(tmp_path, local_hooks_env):
    env, root = local_hooks_env, tmp_path / "repo"
    root.mkdir()
    names = corpus_repo(root, env, files=1200)
    assert sum(len(name) + 1 for name in names) > BATCH_BYTES  # pre-commit must split them

    found = pre_commit("run", "cleaner-check", cwd=root, env=env)
    output = found.stdout + found.stderr
    assert found.returncode == 1, output
    assert f"{names[-1]}:3: near_duplicate [duplicate] (copy of {names[0]}:3)" in output or \
        f"{names[-1]}:3: exact_duplicate [duplicate] (copy of {names[0]}:3)" in output, output
    assert "NOTES.txt" not in output  # files: scoped to the corpus folder
    assert (root / ".cleaner" / "dedup.sqlite").is_file()
    assert "dedup.sqlite" not in subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=root, env=env,
                                                capture_output=True, text=True).stdout  # the index is git-ignored

    # Without the copy the hook passes, and committing (the hook installed) indexes the corpus for later commits.
    last = root / names[-1]
    last.write_text("\n\n".join(last.read_text(encoding="utf-8").split("\n\n")[::2]), encoding="utf-8")
    git("add", "-A", cwd=root, env=env)
    assert pre_commit("install", cwd=root, env=env).returncode == 0
    committed = subprocess.run(["git", "commit", "-q", "-m", "corpus"], cwd=root, env=env, capture_output=True, text=True)
    assert committed.returncode == 0, committed.stdout + committed.stderr

    # A verbatim copy of a committed file, staged alone, fails the next commit.
    shutil.copyfile(root / names[7], root / "corpus" / "copy.txt")
    git("add", "corpus/copy.txt", cwd=root, env=env)
    refused = subprocess.run(["git", "commit", "-q", "-m", "copy"], cwd=root, env=env, capture_output=True, text=True)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert f"corpus/copy.txt:1: exact_duplicate [duplicate] (copy of {names[7]}:1)" in output, output
    assert "corpus/copy.txt: dropped whole: min_words: nothing left" in output
    assert "indexed" not in output  # the index was there: nothing to seed

    # So does it in a fresh clone, which has no index: its first run indexes the committed files first.
    shutil.rmtree(root / ".cleaner")
    refused = subprocess.run(["git", "commit", "-q", "-m", "copy"], cwd=root, env=env, capture_output=True, text=True)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert f"cleaner: indexed {len(names)} committed file(s) into .cleaner/dedup.sqlite" in output
    assert f"corpus/copy.txt:1: exact_duplicate [duplicate] (copy of {names[7]}:1)" in output, output


@pytest.mark.slow
def test_fix_hook_never_leaves_an_emptied_file(tmp_path, local_hooks_env):
    env, root = local_hooks_env, tmp_path / "repo"
    root.mkdir()
    names = corpus_repo(root, env, files=3)
    first = (root / names[0]).read_text(encoding="utf-8")
    (root / "corpus" / "copy.txt").write_text(first, encoding="utf-8")
    (root / "corpus" / "chrome.txt").write_text(f"Skip to content\n\n{P1}\n", encoding="utf-8")
    git("add", "-A", cwd=root, env=env)

    fixed = pre_commit("run", "--hook-stage", "manual", "cleaner-fix", cwd=root, env=env)
    output = fixed.stdout + fixed.stderr
    assert fixed.returncode == 1, output
    assert "Fixing corpus/chrome.txt" in output
    assert "Skip to content" not in (root / "corpus" / "chrome.txt").read_text(encoding="utf-8")
    assert (root / "corpus" / "copy.txt").read_text(encoding="utf-8") == first  # reported, left as it was
    assert "corpus/copy.txt: left as it was: dropped whole (min_words: nothing left" in output
    assert (root / "NOTES.txt").read_text(encoding="utf-8").startswith("Subscribe")
