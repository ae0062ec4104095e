"""A forest of decision trees, read from a data file and walked by the core (`cleaner.speedups`): the line model's engine.

The file holds the trees of a gradient-boosted model (fitted by `benchmarks/train_lines.py` with
LightGBM, which `cleaner` itself never imports) as flat node arrays:

    {"format": "cleaner-trees/1", "features": [names], "bias": 0.0, "cut": raw score above which a line is kept,
     "roots": [first node of each tree], "feature": [...], "threshold": [...], "left": [...], "right": [...],
     "value": [...]}

A node with feature -1 is a leaf holding `value`; any other goes left when the row's feature is at most
`threshold`, as LightGBM decides. Leaves hold multiples of 2**-24, so a row's score, the sum of its leaves, is
exact: the same on every machine and for any order of the trees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .speedups import forest_scores

FORMAT = "cleaner-trees/1"
LEAF_BITS = 24  # leaf values are kept to multiples of 2**-24: a sum of a few thousand of them is exact in a double


class ModelFileError(ValueError):
    """A model file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True, eq=False)
class Forest:
    """Trees over named features; `scores(rows)` gives each row's raw score (a log-odds).

    >>> forest = Forest.from_dict({"format": FORMAT, "features": ["words"], "bias": 0.5, "cut": 0.0, "roots": [0],
    ...     "feature": [0, -1, -1], "threshold": [3.0, 0.0, 0.0], "left": [1, 0, 0], "right": [2, 0, 0],
    ...     "value": [0.0, -2.0, 1.5]})
    >>> forest.scores(np.array([[1.0], [8.0]]))
    [-1.5, 2.0]
    """

    features: tuple[str, ...]
    bias: float
    cut: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    depth: int

    @classmethod
    def from_dict(cls, data: dict, where: str = "model") -> Forest:
        if data.get("format") != FORMAT:
            raise ModelFileError(f"{where}: not a {FORMAT} file")
        try:
            feature = np.asarray(data["feature"], dtype=np.int64)
            left = np.asarray(data["left"], dtype=np.int64)
            right = np.asarray(data["right"], dtype=np.int64)
            arrays = dict(
                roots=np.asarray(data["roots"], dtype=np.int64), feature=feature, left=left, right=right,
                threshold=np.asarray(data["threshold"], dtype=np.float64),
                value=np.round(np.asarray(data["value"], dtype=np.float64) * 2**LEAF_BITS) / 2**LEAF_BITS,
            )
            names = tuple(data["features"])
            bias, cut = float(data["bias"]), float(data["cut"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{where}: malformed trees ({exc})") from None
        size = len(feature)
        if any(len(a) != size for k, a in arrays.items() if k != "roots") or feature.max(initial=-1) >= len(names):
            raise ModelFileError(f"{where}: the node arrays disagree in length or name unknown features")
        inner = np.flatnonzero(feature >= 0)
        children = np.concatenate([left[inner], right[inner]])
        roots = arrays["roots"]
        if (children <= np.concatenate([inner, inner])).any() or (children >= size).any() or ((roots < 0) | (roots >= size)).any():
            raise ModelFileError(f"{where}: a node points backwards or outside the trees")
        return cls(names, bias, cut, depth=tree_depth(arrays["roots"], feature, left, right), **arrays)

    @classmethod
    def load(cls, path: Path) -> Forest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"{path}: cannot read the model ({exc})") from None
        return cls.from_dict(data, str(path))

    def scores(self, rows: np.ndarray) -> list[float]:
        """Each row's raw score: the bias plus its leaf in every tree.

        Leaves hold multiples of 2**-LEAF_BITS (`from_dict` rounds them), so their sum is exact in any order.
        """
        if len(rows) == 0:
            return []
        if rows.ndim != 2 or rows.shape[1] < len(self.features):  # the compiled walk reads any column a node names
            raise ValueError(f"rows of at least {len(self.features)} features expected, got shape {rows.shape}")
        feature, threshold, children = self._walk
        rows = np.ascontiguousarray(rows, dtype=np.float64)
        return forest_scores(rows, self.roots, feature, threshold, children, self.value, self.bias, self.depth)

    @cached_property
    def _walk(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The nodes as one step of a walk needs them: a leaf tests feature 0 against +inf and leads to itself."""
        leaf = self.feature < 0
        feature = np.where(leaf, 0, self.feature)
        threshold = np.where(leaf, np.inf, self.threshold)
        own = np.arange(len(self.feature))
        children = np.empty(2 * len(own), dtype=np.int64)
        children[0::2] = np.where(leaf, own, self.left)
        children[1::2] = np.where(leaf, own, self.right)
        return feature, threshold, children


def tree_depth(roots: np.ndarray, feature: np.ndarray, left: np.ndarray, right: np.ndarray) -> int:
    """The number of splits on the longest path from a root to a leaf.

    >>> tree_depth(np.array([0]), np.array([0, -1, 1, -1, -1]), np.array([1, 0, 3, 0, 0]), np.array([2, 0, 4, 0, 0]))
    2
    """
    deepest = 0
    pending = [(int(root), 0) for root in roots]
    while pending:
        node, depth = pending.pop()
        if feature[node] < 0:
            deepest = max(deepest, depth)
        else:
            pending += [(int(left[node]), depth + 1), (int(right[node]), depth + 1)]
    return deepest


def from_lightgbm(dump: dict, features: list[str], cut: float) -> dict:
    """A LightGBM `Booster.dump_model()` of a binary model over numeric features, as a `Forest` file's data."""
    data: dict = {"format": FORMAT, "features": list(features), "bias": 0.0, "cut": cut, "roots": [],
                  "feature": [], "threshold": [], "left": [], "right": [], "value": []}

    def add(node: dict) -> int:
        at = len(data["feature"])
        for key in ("feature", "threshold", "left", "right", "value"):
            data[key].append(0)
        if "leaf_value" in node:
            data["feature"][at], data["value"][at] = -1, float(node["leaf_value"])
            return at
        if node.get("decision_type") != "<=" or node.get("missing_type") not in ("None", "NaN", None):
            raise ValueError("only numeric '<=' splits are supported (features are never missing)")
        data["feature"][at], data["threshold"][at] = int(node["split_feature"]), float(node["threshold"])
        data["left"][at] = add(node["left_child"])
        data["right"][at] = add(node["right_child"])
        return at

    for tree in dump["tree_info"]:
        data["roots"].append(add(tree["tree_structure"]))
    return data
