"""report.html: the audit page of a run (`clean --report-html`, `explain --html`), checked without a browser.

tests/test_audit_browser.py opens the same page in headless Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cleaner.audit import Audit, render
from cleaner.document import Block, Document, Reason
from cleaner.pipeline import Stats

SCRIPT_FIXTURE = Path(__file__).resolve().parent / "data" / "audit" / "script-in-text.txt"
DONATION = Reason("patterns", "donation.letter-opening", "donation")


class Tags(HTMLParser):
    """The page's tags and attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def doc(name: str, lines: list[tuple[str, Reason | None]]) -> Document:
    return Document("", name, blocks=[Block(text, i + 1, 0, 0, False, reason) for i, (text, reason) in enumerate(lines)])


def doc_sections(page: str) -> list[str]:
    """The names of the sampled documents, in page order."""
    return re.findall(r'<section class="doc" id="d\d+"[^>]*>\n<h3><a href="#d\d+">([^<]*)</a>', page)


@pytest.fixture
def seeds_with_script(seeds_dir: Path, tmp_path: Path) -> Path:
    """The seeds plus a scrape whose text holds a <script> tag."""
    corpus = tmp_path / "corpus"
    shutil.copytree(seeds_dir, corpus)
    shutil.copy(SCRIPT_FIXTURE, corpus)
    return corpus


def test_clean_report_html_shows_totals_categories_and_rules(run_cli, seeds_with_script: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("clean", seeds_with_script, "-o", out, "--no-progress", "--report-html")
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    totals = json.loads((out / "report.json").read_text(encoding="utf-8"))["totals"]
    assert f"{totals['documents']:,} in" in page and f"{totals['bytes_in']:,} in, {totals['bytes_out']:,} out" in page
    options = [attrs["value"] for tag, attrs in tags(page) if tag == "option" and attrs["value"]]
    assert options == sorted(totals["by_category"]) and {"donation", "newsletter", "byline", "related"} <= set(options)
    most = max(totals["by_rule"], key=totals["by_rule"].get)
    assert f"<code>{most}</code>" in page
    assert sorted(doc_sections(page)) == sorted(p.name for p in seeds_with_script.iterdir())
    struck = [attrs for tag, attrs in tags(page) if tag == "del" and attrs.get("data-cat") == "donation"]
    assert struck and all("[donation]" in attrs["title"] for attrs in struck)


def test_report_is_self_contained(run_cli, seeds_with_script: Path, tmp_path: Path) -> None:
    run_cli("clean", seeds_with_script, "-o", tmp_path / "out", "--no-progress", "--report-html")
    found = tags((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert not [tag for tag, _ in found if tag in {"link", "img", "iframe", "object", "embed"}]
    assert [attrs for tag, attrs in found if tag == "script"] == [{}]  # one inline script, no src
    assert all(attrs["href"].startswith("#") for tag, attrs in found if tag == "a")


def test_corpus_markup_is_escaped(run_cli, seeds_with_script: Path, tmp_path: Path) -> None:
    run_cli("clean", seeds_with_script, "-o", tmp_path / "out", "--no-progress", "--report-html")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert not [attrs for tag, attrs in tags(page) if tag == "img" or "onerror" in attrs]


def test_same_input_gives_byte_identical_page(run_cli, seeds_dir: Path, tmp_path: Path) -> None:
    for out in ("a", "b"):
        run_cli("clean", seeds_dir, "-o", tmp_path / out, "--no-progress", "--report-html", "--jobs", "1" if out == "a" else "2")
    assert (tmp_path / "a" / "report.html").read_bytes() == (tmp_path / "b" / "report.html").read_bytes()


def test_sample_is_bounded_worst_hit_first_ties_by_name() -> None:
    docs = [doc(f"{i:03}.txt", [("x", DONATION if j < i % 7 else None) for j in range(10)]) for i in range(300)]
    forward, backward = Audit(limit=5), Audit(limit=5)
    for d in docs:
        forward.add(d.id, d)
    for d in reversed(docs):
        backward.add(d.id, d)
    names = [s.name for s in forward.samples()]
    assert names == ["006.txt", "013.txt", "020.txt", "027.txt", "034.txt"]  # 6 of 10 dropped; the lowest names win ties
    assert names == [s.name for s in backward.samples()]
    page = render(Stats(documents=300), forward)
    assert doc_sections(page) == names and "The 5 most-hit of 300 documents" in page


def test_report_sample_option_bounds_the_page(run_cli, seeds_dir: Path, tmp_path: Path) -> None:
    run_cli("clean", seeds_dir, "-o", tmp_path / "out", "--no-progress", "--report-html", "--report-sample", "2")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert len(doc_sections(page)) == 2 and "The 2 most-hit of 5 documents" in page


def test_long_documents_are_cut_in_the_page() -> None:
    audit = Audit()
    audit.add("big.txt", doc("big.txt", [("y" * 5000, None)] * 3000))
    page = render(Stats(documents=1), audit)
    assert "1,000 more lines not shown" in page and "y" * 2000 + "…" in page and "y" * 2001 not in page


def test_near_duplicate_links_to_the_paragraph_it_repeats(run_cli, prose: tuple[str, ...], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Local news\n\n" + "\n".join(prose) + "\n", encoding="utf-8")
    (corpus / "b.txt").write_text("Another story begins with a different opening line here.\n\n" + "\n".join(prose) + "\n",
                                  encoding="utf-8")
    run_cli("clean", corpus, "-o", tmp_path / "out", "--no-progress", "--report-html")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    links = [attrs["href"] for tag, attrs in tags(page) if tag == "a" and attrs.get("class") == "dup"]
    ids = {attrs["id"] for tag, attrs in tags(page) if "id" in attrs}
    assert links and all(href[1:] in ids for href in links)
    a_index = doc_sections(page).index("a.txt")
    assert links[0] == f"#d{a_index}-L3"  # a.txt's paragraph starts on line 3

    run_cli("clean", corpus, "-o", tmp_path / "one", "--no-progress", "--report-html", "--report-sample", "1")
    page = (tmp_path / "one" / "report.html").read_text(encoding="utf-8")
    assert doc_sections(page) == ["b.txt"] and "a.txt:3 (not in the sample)" in page


def test_explain_html(run_cli, seed_files: list[Path], tmp_path: Path) -> None:
    result = run_cli("explain", seed_files[4], "--html", "-o", tmp_path / "ex", "--no-color")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "ex" / "report.html").read_text(encoding="utf-8")
    assert doc_sections(page) == [seed_files[4].name] and f"cleaner explain {seed_files[4].name}" in page
    assert "donation.letter-opening" in page


def test_report_html_without_an_output_folder_says_so(run_cli, seed_files: list[Path], tmp_path: Path) -> None:
    result = run_cli("clean", seed_files[0], "-o", "-", "--report-html")
    assert "needs an output folder" in result.output and not list(Path.cwd().rglob("report.html"))
