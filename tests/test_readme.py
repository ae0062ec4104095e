"""The README's promises: its library example runs, and its first lines are the two commands."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_library_example_runs_and_cleans(capsys):
    (example,) = python_blocks()
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "The council approved the budget" in printed
    assert "Skip to content\n" not in printed.split("\n\n")[0]  # the chrome line is reported, not kept
    assert "navigation" in printed


def test_first_screen_gives_install_and_test_commands():
    first_block = re.search(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL).group(1)
    install, test = first_block.strip().split("\n")
    assert "pip install" in install and "cleaner clean seeds/ -o out/" in install
    assert test.strip() == ".venv/bin/pytest"
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().endswith(test.strip())
