"""Runs of short lines that are content, not menus: fact sheets and ingredient lists.

The classifier drops short lines with few stopwords outside the article's body,
which is right for menus and wrong for a wine's data sheet or a recipe's
ingredients. These shapes are recognised here so that it keeps them.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from ..document import Block
from ..features import PROSE_MIN_WORDS, looks_like_code, memo, word_count
from .alternation import word_alternation

# A bullet or a list number in front of a line, as text dumps write them.
LIST_MARKER = re.compile(r"^(?:[*+•·o–-]|\d{1,3}[.)])\s")
_KEY_VALUE = re.compile(r"^(?:[*+o•-]\s+)?[^\W\d_][\w /().-]{1,30}:\s*\S")
FACT_SHEET_RUN = 3  # three "Key: value" lines close together make a table of facts, not a menu
FACT_LINE_WORDS = 10


def fact_sheet_lines(blocks: list[Block]) -> set[int]:
    """Groups of three or more "Key: value" lines (specifications, recipe data, contact tables),
    with at most one other line between two of them.

    Menus have no colons; a fact sheet is content even when it has few stopwords.

    >>> from cleaner.stages.segment import segment_text
    >>> sorted(fact_sheet_lines(segment_text("Home\\nRebsorte: Zinfandel\\nJahrgang: 2016\\nTrocken\\nAlkohol: 14,5 %\\nKontakt")))
    [1, 2, 3, 4]
    >>> fact_sheet_lines(segment_text("Home\\nNews: Sport\\nKontakt"))
    set()
    """
    facts = [
        index for index, block in enumerate(blocks)  # a colon first: a substring test rules out most lines
        if block.kept and ":" in block.text and word_count(block.text) <= FACT_LINE_WORDS and _KEY_VALUE.match(block.text)
    ]
    found: set[int] = set()
    group: list[int] = []
    for index in [*facts, None]:
        if index is not None and (not group or index - group[-1] <= 2):
            group.append(index)
            continue
        if len(group) >= FACT_SHEET_RUN:
            found.update(range(group[0], group[-1] + 1))
        group = [index] if index is not None else []
    return found


INGREDIENT_RUN = 3  # three quantities close together ("200 g Zucker", "2 EL Öl", "1 Prise Salz") make a recipe's list
INGREDIENT_LINE_WORDS = 10  # an ingredient line is short; a sentence with "2 EL" in it is the method, judged as prose
INGREDIENT_ITEM_WORDS = 6  # an unquantified item of the same list ("* Salz", "* Frischhaltefolie")


@lru_cache(maxsize=1)
def _quantities() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A line that starts with a quantity ("2 EL Öl", "* 1 Pck. Puddingpulver", "135 g"), and one
    that starts with a unit and goes on (its number stands alone on the line above: "1/4" / "cup butter")."""
    raw = resources.files("cleaner.wordlists").joinpath("structure.toml").read_text(encoding="utf-8")
    table = tomllib.loads(raw)
    unit = word_alternation(table["quantity_units"])  # trie-shaped: each line is tested against all of them
    prefix = word_alternation(table["quantity_prefixes"])
    number = r"(?:\d+(?:[.,/]\d+)?(?:\s*[-–]\s*\d+(?:[.,/]\d+)?)?|[½¼¾⅓⅔⅛])"
    return (
        re.compile(rf"^(?:[*+•·o–-]\s+)?(?:{prefix}\s*)?{number}\s*{unit}(?!\w)", re.IGNORECASE),
        re.compile(rf"^{unit}\s+\S", re.IGNORECASE),
    )


@memo  # pure, and asked for every line in every settle round
def is_quantity_line(text: str) -> bool:
    """A short line that starts with a quantity, or with a lower-case unit ("cup butter"; a sentence
    starting "Can ..." is capitalised).

    >>> is_quantity_line("* 2 EL Olivenöl"), is_quantity_line("cup packed brown sugar"), is_quantity_line("2 Kommentare")
    (True, True, False)
    """
    quantity, unit_first = _quantities()
    if word_count(text) > INGREDIENT_LINE_WORDS:
        return False
    return bool(quantity.match(text)) or (text[:1].islower() and bool(unit_first.match(text)))


def ingredient_lines(blocks: list[Block]) -> set[int]:
    """A recipe's ingredient list (or its nutrition table): three or more quantity lines, at most one
    other line between two of them (the ingredient's name, where the dump puts it on a line of its
    own), and the unquantified items of the same bulleted list after them.

    Sidebars and menus hold no quantities; recipe sites lay the list out beside the method, where the
    body search does not reach.

    >>> from cleaner.stages.segment import segment_text
    >>> sorted(ingredient_lines(segment_text("Zutaten\\n* 200 g Mehl\\n* 2 EL Öl\\n* 1 Prise Salz\\n* Backpapier\\nZubereitung")))
    [1, 2, 3, 4]
    >>> sorted(ingredient_lines(segment_text("1/4\\ncup butter\\n1\\ncup sugar\\n2\\ncups flour")))
    [1, 2, 3, 4, 5]
    >>> ingredient_lines(segment_text("Home\\n2 Kommentare\\n3 Antworten\\nKontakt"))
    set()
    """
    marks = [index for index, block in enumerate(blocks) if block.kept and is_quantity_line(block.text)]
    found: set[int] = set()
    group: list[int] = []  # the quantity lines of the list so far
    end = -1  # its last line: a quantity line or an unquantified item after one
    for index in [*marks, None]:
        if index is not None and (not group or index - end <= 2):
            group.append(index)
            end = _list_items_after(blocks, index)
            continue
        if len(group) >= INGREDIENT_RUN:
            found.update(range(group[0], end + 1))
        group = [index] if index is not None else []
        end = _list_items_after(blocks, index) if index is not None else -1
    return found


def _list_items_after(blocks: list[Block], index: int) -> int:
    """The last of the short items with the same list marker right after blocks[index] (or index)."""
    marker = LIST_MARKER.match(blocks[index].text)
    if not marker:
        return index
    while (
        index + 1 < len(blocks) and blocks[index + 1].kept and blocks[index + 1].text.startswith(marker.group())
        and word_count(blocks[index + 1].text) <= INGREDIENT_ITEM_WORDS
    ):
        index += 1
    return index


CODE_INTRO_MIN_WORDS = PROSE_MIN_WORDS  # "Next, we need to create a data frame:" - a sentence, not a "Code:" label
CODE_SAMPLE_LINES = 30  # a sample longer than this is a program listing, not a step of a tutorial


_LINK = re.compile(r"https?://|www\.")


def _is_code(text: str) -> bool:
    """Code, not a line of links (whose slashes look like code)."""
    return looks_like_code(text) and not _LINK.search(text)


def code_sample_lines(blocks: list[Block]) -> set[int]:
    """Code samples of a tutorial: the lines after a sentence that ends in a colon ("... as follows:"),
    up to the prose that goes on, when at least half of them read as code.

    Leaked scripts and styles are not introduced by a sentence of the text, nor followed by one.

    >>> from cleaner.stages.segment import segment_text
    >>> text = "First of all we need to create a data frame:\\nd <- data.frame(x = c(1, 2), y = c(3, 4)) # data\\nprint(d)\\n"
    >>> sorted(code_sample_lines(segment_text(text + "The data frame has two columns with two values each.")))
    [1, 2]
    >>> code_sample_lines(segment_text("Menu:\\nfunction(e){if(4===this.readyState){_=n(e)-d;var r=0}}\\nHome"))
    set()
    """
    found: set[int] = set()
    for index, intro in enumerate(blocks, start=1):  # `index`: the line after the intro
        # The substring test first: it rules out most lines without copying them as rstrip does.
        text = intro.text
        if not (intro.kept and ":" in text and text.rstrip().endswith(":") and word_count(text) >= CODE_INTRO_MIN_WORDS):
            continue
        if looks_like_code(text):
            continue  # a script's own "...:" is no sentence
        run: list[int] = []
        end = min(len(blocks), index + CODE_SAMPLE_LINES)
        for position in range(index, end):
            block = blocks[position]
            if not block.kept:
                continue
            if not looks_like_code(block.text) and word_count(block.text) >= PROSE_MIN_WORDS:
                if run and 2 * sum(1 for i in run if _is_code(blocks[i].text)) >= len(run):
                    found.update(run)
                break
            run.append(position)
    return found
