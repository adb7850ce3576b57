"""Week 5 hidden items: the same functions on other inputs, other batch sizes, other seeds.

Stays in solutions/; graded for the official grade after the deadline.
"""

from __future__ import annotations

from grading import (
    LIGHTNING_TEST_THRESHOLD,
    LIGHTNING_VAL_THRESHOLD,
    TRAINING_THRESHOLD,
    check_array_dataset,
    check_classifier,
    check_collate,
    check_datamodule,
    check_evaluate,
    check_lightning,
    check_mlp,
    check_train_one_epoch,
    check_training_runs,
    check_transforms,
    probe_array_dataset,
    probe_classifier,
    probe_collate,
    probe_datamodule,
    probe_evaluate,
    probe_lightning,
    probe_mlp,
    probe_train_one_epoch,
    probe_training_runs,
    probe_transforms,
)

from autograder.spec import Item

ITEMS = [
    Item(
        "ArrayDataset.hidden",
        2,
        probe=lambda ns: probe_array_dataset(ns, seed=11, n=9, d=4, float_targets=True),
        check=check_array_dataset,
        requires=("ArrayDataset",),
        hint="floating-point targets stay floating point (float32); integer targets become int64.",
    ),
    Item(
        "build_transforms.hidden",
        2,
        probe=lambda ns: probe_transforms(ns, mean=0.2, std=0.25, seed=12, n=48),
        check=check_transforms,
        requires=("build_transforms",),
        hint="use the mean and std you are given; shift (with zero padding) before normalising.",
    ),
    Item(
        "pad_collate.hidden",
        2,
        probe=lambda ns: probe_collate(ns, seed=13, lengths=[2, 0, 6, 6, 1, 3, 4], batch_size=3),
        check=check_collate,
        requires=("pad_collate",),
        hint="an empty sequence is a row of zeros with length 0; pad to the longest sequence of each batch.",
    ),
    Item(
        "DigitsDataModule.hidden",
        3,
        probe=lambda ns: probe_datamodule(ns, 50, 0.1, 0.3, seed=7),
        check=check_datamodule,
        requires=("DigitsDataModule", "ArrayDataset", "build_transforms"),
        timeout=30.0,
        hint="use val_fraction, test_fraction, batch_size and seed as given.",
    ),
    Item(
        "build_mlp.hidden",
        1,
        probe=lambda ns: probe_mlp(ns, hidden=7, n_classes=4, seed=14),
        check=check_mlp,
        requires=("build_mlp",),
        hint="n_classes sets the size of the last layer.",
    ),
    Item(
        "DigitsClassifier.hidden",
        2,
        probe=lambda ns: probe_classifier(ns, hidden=9, lr=0.02, seed=15, n=33),
        check=check_classifier,
        requires=("DigitsClassifier", "build_mlp"),
        hint="pass hidden to build_mlp and lr to Adam.",
    ),
    Item(
        "train_one_epoch.hidden",
        3,
        probe=lambda ns: probe_train_one_epoch(ns, seed=16, n=23, batch_size=5),
        check=check_train_one_epoch,
        requires=("train_one_epoch",),
        hint="zero_grad before every backward; weight by batch size.",
    ),
    Item(
        "evaluate.hidden",
        3,
        probe=lambda ns: probe_evaluate(ns, seed=17, n=30, batch_size=7),
        check=check_evaluate,
        requires=("evaluate",),
        hint="eval mode, no gradients, per-sample averages.",
    ),
    Item(
        "train_digits_classifier.hidden",
        3,
        probe=lambda ns: probe_training_runs(ns, [1, 2]),
        check=check_training_runs(TRAINING_THRESHOLD),
        requires=("train_digits_classifier",),
        timeout=60.0,
        hint="every seed must reach the threshold: seed everything first.",
    ),
    Item(
        "train_with_lightning.hidden",
        3,
        probe=lambda ns: probe_lightning(ns, seed=1),
        check=check_lightning(LIGHTNING_VAL_THRESHOLD, LIGHTNING_TEST_THRESHOLD),
        requires=("train_with_lightning",),
        timeout=40.0,
        hint="fit, read val_acc, then test.",
    ),
]
