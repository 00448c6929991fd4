#!/usr/bin/env python3
"""Plots reference.csv (from ReferenceRuns): training loss and test accuracy per round."""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

rows = list(csv.DictReader(open(sys.argv[1])))
series = defaultdict(list)
for row in rows:
    series[(row["run"], float(row["stragglers"]))].append(
        (int(row["round"]), float(row["train_loss"]), float(row["test_accuracy"])))

panels = [(0.0, "FedProx vs FedAvg, 0% stragglers"), (0.5, "50% stragglers"), (0.9, "90% stragglers")]
fig, axes = plt.subplots(2, 4, figsize=(20, 8))
for column, (stragglers, title) in enumerate(panels):
    for run in ("FedAvg", "FedProx (mu=1)"):
        points = series.get((run, stragglers), [])
        axes[0][column].plot([p[0] for p in points], [p[1] for p in points], label=run)
        axes[1][column].plot([p[0] for p in points], [p[2] for p in points], label=run)
    axes[0][column].set_title(title)
for run in ("FedAvg (keeps partial work)", "FedNova"):
    points = series.get((run, 0.5), [])
    axes[0][3].plot([p[0] for p in points], [p[1] for p in points], label=run)
    axes[1][3].plot([p[0] for p in points], [p[2] for p in points], label=run)
axes[0][3].set_title("FedNova vs FedAvg, heterogeneous local steps")
for ax in axes[0]:
    ax.set_ylabel("training loss")
    ax.legend()
for ax in axes[1]:
    ax.set_ylabel("test accuracy")
    ax.set_xlabel("round")
    ax.legend()
fig.suptitle("Synthetic(1,1), 30 devices, multinomial logistic regression, lr 0.01, E=20, batch 10, 10 devices/round")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=80)
