"""Markup evidence the line model weighs: every mark on a line's ancestors, standing or overturned, by category."""

import numpy as np

from cleaner.html import read_page
from cleaner.html.lines import Hints
from cleaner.line_features import EVIDENCE, FEATURES, evidence_columns

PROSE = "A sentence of running text that is long enough to count as the prose the page holds. " * 3


def test_a_consent_box_holding_most_of_the_prose_loses_its_mark_but_keeps_its_evidence():
    page = read_page(f'<body><p>Short intro.</p><div id="onetrust-consent-sdk"><p>{PROSE}</p><p>{PROSE}</p></div></body>')
    dialog = [line for line in page.lines if line.text.startswith("A sentence")]
    assert dialog and all(not line.hints.marks for line in dialog)  # it holds the page's prose: no verdict
    assert all(line.hints.evidence == {"cookie"} for line in dialog)
    assert page.lines[0].hints.evidence == frozenset()


def test_nested_marks_give_every_category_that_stands_or_not():
    page = read_page(f'<body><p>{PROSE}</p><footer><div class="newsletter-signup"><p>Sign up today.</p></div></footer></body>')
    signup = next(line for line in page.lines if line.text == "Sign up today.")
    assert signup.hints.evidence == {"footer", "newsletter"}
    assert signup.hints.mark.category == "newsletter"


def test_evidence_columns_share_of_kept_words_under_a_path_and_lines_under_its_parent():
    hints = [Hints("li", "ul>li", 0.0), Hints("li", "ul>li", 0.0), Hints("p", "ul>p", 0.0), None]
    rows = evidence_columns(hints, np.array([1.0, 0.0, 1.0, 1.0]), np.array([3.0, 1.0, 4.0, 2.0]), {"ul>li": 4.0, "ul>p": 4.0})
    assert rows.shape == (4, len(EVIDENCE) + 2)
    assert rows[0, -2] == rows[1, -2] == 0.75 and rows[2, -2] == 1.0
    assert rows[0, -1] == rows[2, -1] == np.log1p(3)
    assert (rows[3] == -1.0).all() and (rows[0, : len(EVIDENCE)] == 0.0).all()
    assert FEATURES[-2:] == ("path_kept_share", "parent_path_lines")
