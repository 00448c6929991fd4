"""Writes threshold-optimizer.csv: what Fairlearn's ThresholdOptimizer fits on ThresholdOptimizerTest's rows.

Run with Fairlearn importable (a release, or a checkout on PYTHONPATH):
    python threshold_optimizer.py > threshold-optimizer.csv
Each line: rows, constraints, objective, flip, grid size, Fairlearn's _x_best and _y_best, and the
probability of a positive for every row (_pmf_predict(X)[:, 1]), space-separated.
"""

import platform
import warnings

import numpy as np
import pandas
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin

import fairlearn
from fairlearn.postprocessing import ThresholdOptimizer

warnings.filterwarnings("ignore")


class Identity(BaseEstimator, ClassifierMixin):
    """An estimator whose prediction is its one input column: the score."""

    def fit(self, X, y):
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


ROWS = {
    "twenty": (
        [0.95, 0.85, 0.75, 0.65, 0.55, 0.45, 0.35, 0.25,
         0.93, 0.83, 0.73, 0.63, 0.53, 0.43, 0.33, 0.23, 0.9, 0.5, 0.2, 0.15],
        [1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 0],
        "aaaaaaaabbbbbbbbbbbb",
    ),
    "flipped": ([0.9, 0.8, 0.3, 0.2, 0.9, 0.7, 0.4, 0.1], [1, 1, 0, 0, 0, 0, 1, 1], "aaaabbbb"),
    "ties": (
        [0.5, 0.5, 0.5, 0.2, 0.2, 0.8, 0.6, 0.6, 0.3, 0.1],
        [1, 0, 1, 0, 1, 1, 1, 0, 0, 0],
        "xxxxxyyyyy",
    ),
}

CASES = [
    ("twenty", "demographic_parity", "accuracy_score", False, 1000),
    ("twenty", "demographic_parity", "balanced_accuracy_score", False, 1000),
    ("twenty", "demographic_parity", "selection_rate", False, 1000),
    ("twenty", "demographic_parity", "true_positive_rate", False, 1000),
    ("twenty", "demographic_parity", "true_negative_rate", False, 1000),
    ("twenty", "selection_rate_parity", "accuracy_score", False, 1000),
    ("twenty", "true_positive_rate_parity", "accuracy_score", False, 1000),
    ("twenty", "false_positive_rate_parity", "balanced_accuracy_score", False, 1000),
    ("twenty", "true_negative_rate_parity", "accuracy_score", False, 1000),
    ("twenty", "false_negative_rate_parity", "accuracy_score", False, 1000),
    ("twenty", "equalized_odds", "accuracy_score", False, 1000),
    ("twenty", "equalized_odds", "balanced_accuracy_score", False, 1000),
    ("flipped", "demographic_parity", "accuracy_score", False, 4),
    ("flipped", "demographic_parity", "accuracy_score", True, 4),
    ("flipped", "equalized_odds", "accuracy_score", False, 4),
    ("flipped", "equalized_odds", "accuracy_score", True, 4),
    ("ties", "demographic_parity", "balanced_accuracy_score", False, 10),
    ("ties", "demographic_parity", "accuracy_score", True, 1000),
    ("ties", "equalized_odds", "balanced_accuracy_score", False, 10),
    ("ties", "equalized_odds", "accuracy_score", True, 1000),
]

print(
    f"# Fairlearn {fairlearn.__version__}, pandas {pandas.__version__}, numpy {np.__version__},"
    f" scikit-learn {sklearn.__version__}, Python {platform.python_version()}"
)
print("# rows,constraints,objective,flip,grid_size,x_best,y_best,probabilities")
for name, constraints, objective, flip, grid_size in CASES:
    scores, labels, groups = ROWS[name]
    X = np.array(scores).reshape(-1, 1)
    sensitive = np.array(list(groups))
    optimizer = ThresholdOptimizer(
        estimator=Identity().fit(X, labels),
        constraints=constraints,
        objective=objective,
        flip=flip,
        grid_size=grid_size,
        prefit=True,
        predict_method="predict",
    )
    optimizer.fit(X, np.array(labels), sensitive_features=sensitive)
    probabilities = optimizer._pmf_predict(X, sensitive_features=sensitive)[:, 1]
    print(
        ",".join(
            [name, constraints, objective, str(flip).lower(), str(grid_size),
             repr(float(optimizer._x_best)), repr(float(optimizer._y_best)),
             " ".join(repr(float(p)) for p in probabilities)]
        )
    )
