"""The forest evaluator: LightGBM's own decisions, exact sums, and files that cannot be used."""

import json

import numpy as np
import pytest

from cleaner.trees import FORMAT, Forest, ModelFileError, from_lightgbm

# A two-tree model in LightGBM's dump shape: the first splits on feature 0, the second on feature 1 under feature 0.
DUMP = {"tree_info": [
    {"tree_structure": {"split_feature": 0, "threshold": 0.5, "decision_type": "<=", "missing_type": "None",
                        "left_child": {"leaf_value": -1.0}, "right_child": {"leaf_value": 1.0}}},
    {"tree_structure": {"split_feature": 0, "threshold": 2.0, "decision_type": "<=", "missing_type": "None",
                        "left_child": {"split_feature": 1, "threshold": 0.0, "decision_type": "<=", "missing_type": "None",
                                       "left_child": {"leaf_value": 0.25}, "right_child": {"leaf_value": -0.25}},
                        "right_child": {"leaf_value": 0.5}}},
]}


def test_a_row_goes_left_when_its_feature_is_at_most_the_threshold_as_lightgbm_decides():
    forest = Forest.from_dict(from_lightgbm(DUMP, ["a", "b"], cut=0.0))
    rows = np.array([[0.5, 0.0], [0.6, 0.0], [0.6, 0.1], [3.0, -5.0]])
    assert forest.scores(rows) == [-0.75, 1.25, 0.75, 1.5]
    assert forest.depth == 2


def test_the_score_does_not_depend_on_the_order_of_the_trees():
    reordered = {"tree_info": DUMP["tree_info"][::-1]}
    rows = np.random.default_rng(0).normal(size=(50, 2))
    assert Forest.from_dict(from_lightgbm(DUMP, ["a", "b"], 0.0)).scores(rows) == \
        Forest.from_dict(from_lightgbm(reordered, ["a", "b"], 0.0)).scores(rows)


def test_no_rows_give_no_scores():
    assert Forest.from_dict(from_lightgbm(DUMP, ["a", "b"], 0.0)).scores(np.zeros((0, 2))) == []


@pytest.mark.parametrize("change, message", [
    ({"format": "other"}, "not a cleaner-trees/1 file"),
    ({"left": [5, 0, 0]}, "points backwards or outside"),
    ({"feature": [3, -1, -1]}, "unknown features"),
    ({"value": "x"}, "malformed"),
])
def test_a_broken_model_file_is_named_with_what_is_wrong(tmp_path, change, message):
    data = {"format": FORMAT, "features": ["a"], "bias": 0.0, "cut": 0.0, "roots": [0], "feature": [0, -1, -1],
            "threshold": [1.0, 0, 0], "left": [1, 0, 0], "right": [2, 0, 0], "value": [0, -1.0, 1.0]}
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**data, **change}))
    with pytest.raises(ModelFileError, match=message) as caught:
        Forest.load(path)
    assert str(path) in str(caught.value)


def test_a_split_that_treats_zero_as_missing_is_refused_when_converting():
    dump = {"tree_info": [{"tree_structure": {**DUMP["tree_info"][0]["tree_structure"], "missing_type": "Zero"}}]}
    with pytest.raises(ValueError, match="numeric"):
        from_lightgbm(dump, ["a", "b"], 0.0)
