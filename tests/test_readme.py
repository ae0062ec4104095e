"""The README's promises: its first lines are the two commands a newcomer types, CI runs exactly the second,
its library example runs, its settings table names every setting, and it names no place outside the repository."""

import dataclasses
import re
from pathlib import Path

from cleaner.config import Config

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", readme(), flags=re.DOTALL)


def test_library_example_runs_and_cleans(capsys):
    (example,) = python_blocks()
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "The council approved the budget" in printed
    assert "Skip to content\n" not in printed.split("\n\n")[0]  # the chrome line is reported, not kept
    assert "navigation" in printed


def test_first_screen_gives_install_and_test_commands():
    text = readme()
    assert text.index("```sh") < 20  # the first thing after the title
    first_block = re.search(r"```sh\n(.*?)```", text, flags=re.DOTALL).group(1)
    install, test = first_block.strip().split("\n")
    # The first needs only Python: the package alone, not the test extras (Ray, Selenium...).
    assert install.startswith("python3 -m venv .venv && ") and ".venv/bin/pip install -e . " in install
    assert install.endswith(".venv/bin/cleaner clean seeds/ -o out/") and "[test]" not in install
    assert test == ".venv/bin/pip install -e '.[test]' && .venv/bin/pytest"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == test  # CI runs exactly the README's test command


def test_settings_table_names_every_setting():
    table = re.findall(r"^\| `(\w+)` \|", readme(), flags=re.MULTILINE)
    assert sorted(table) == sorted(f.name for f in dataclasses.fields(Config))


def test_names_no_place_outside_the_repository_and_no_session_history():
    text = readme()
    for outside in ("../", "/work/", "/tmp/", "example.org/your", "shared/eval"):
        assert outside not in text
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # the sample scrape carries its own date
    assert not re.search(r"\bsession\b|20\d\d-\d\d-\d\d", prose)  # dated figures live in docs/
    for link in re.findall(r"\]\((docs/[^)]+)\)", text):
        assert (REPO / link).is_file() or link == "docs/library.md", link  # docs/library.md comes with the library's issue
