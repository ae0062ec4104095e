"""Seeding a new persisted dedup index from what git has committed: a fresh clone's first hook run.

The pre-commit hooks check the staged files against `.cleaner/dedup.sqlite`, which git ignores, so a
fresh clone starts without it. With `--index-committed`, the first run indexes the files committed
at HEAD under the same top folders as the files it was given (`corpus/` for `corpus/a/b.txt`), before
checking those; so a staged copy of a committed file is found there too. Committed files only: a staged
file must never become the first copy the committed ones are measured against.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .io import HTML_SUFFIXES, TEXT_SUFFIXES


def top_folders(paths: list[str]) -> list[str]:
    """The top folder of each relative path (a file at the top stands for itself), sorted, once each.

    >>> top_folders(["corpus/a/b.txt", "corpus/c.txt", "NOTES.txt", "/abs/x.txt"])
    ['NOTES.txt', 'corpus']
    """
    tops = {Path(path).parts[0] for path in paths if path != "-" and not Path(path).is_absolute() and Path(path).parts}
    return sorted(tops)


def committed_files(paths: list[str]) -> list[str]:
    """The text and HTML files committed at HEAD under the top folders of `paths`; [] outside a git
    repository, before its first commit, or without git."""
    tops = top_folders(paths)
    if not tops:
        return []
    try:
        listed = subprocess.run(["git", "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", *tops],
                                capture_output=True, check=True, timeout=300).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    names = [name.decode("utf-8", "surrogateescape") for name in listed.split(b"\0") if name]
    return [name for name in names if name.lower().endswith(TEXT_SUFFIXES + HTML_SUFFIXES) and Path(name).is_file()]
