"""The distribution's name: `cleaner` on the package index is someone else's project, so every install line
names this one's distribution (`cleaner-corpus`); the import package and the command stay `cleaner`."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DISTRIBUTION = "cleaner-corpus"


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_distribution_name_is_not_the_taken_one_and_the_command_stays():
    assert project()["name"] == DISTRIBUTION
    assert project()["scripts"] == {"cleaner": "cleaner.cli:main"}


def test_every_install_line_with_an_extra_names_the_distribution():
    sources = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "cleaner").rglob("*.py"))]
    offending = []
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in re.findall(r"pip install (?:-\S+ )*'?([A-Za-z0-9_.-]+)\[", line):
                if name not in (DISTRIBUTION, "."):
                    offending.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not offending, "\n".join(offending)
