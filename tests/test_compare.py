"""Tests for companion.compare and its command line, ``python -m companion compare``.

Every training run here is tiny (``SEEDS`` seeds, ``EPOCHS`` epochs): the tests check the bookkeeping
(which runs are made, how they are summarised, what is printed), not what the losses learn. All runs
use the same number of epochs so that each recipe's compiled graph is traced once and reused.
"""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import companion as cp
from companion import compare
from companion.__main__ import main
from precision import assert_precision_supported, printed_decimals
from companion.compare import LOSS_SPECS, PUBLISHED, Comparison, default_losses, get_problem, loss_spec

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SMALL = str(DATA / "small.csv")
EPOCHS = 2
SEEDS = 2
SUMMARY_CELL = re.compile(r"^-?\d+(\.\d+)? ± \d+(\.\d+)?$")




# ---------------------------------------------------------------- loss_spec


@pytest.mark.parametrize(
    "alias, name",
    [
        ("mse", "mean_squared_error"),
        ("mae", "mean_absolute_error"),
        ("msle", "mean_squared_logarithmic_error"),
        ("mape", "mean_absolute_percentage_error"),
        ("logcosh", "log_cosh"),
        ("kld", "kl_divergence"),
        ("focal", "binary_focal_crossentropy"),
        ("bce", "binary_crossentropy"),
        (" MSE ", "mean_squared_error"),
        ("Binary_Crossentropy", "binary_crossentropy"),
        ("huber", "huber"),
    ],
)
def test_loss_spec_aliases(alias, name):
    assert loss_spec(alias)[0] == name
    assert loss_spec(alias)[1] is LOSS_SPECS[name]


def test_loss_specs_name_real_keras_losses_with_consistent_settings():
    import keras

    from companion.datasets import LABEL_FORMATS, TASKS

    assert len(LOSS_SPECS) == 14
    for name, spec in LOSS_SPECS.items():
        assert keras.losses.get(name).__name__ == name
        assert spec.task in TASKS and spec.labels in LABEL_FORMATS
    assert {n for n, s in LOSS_SPECS.items() if s.labels == "pm1"} == {"hinge", "squared_hinge"}
    assert {n for n, s in LOSS_SPECS.items() if s.metric == "sign_accuracy"} == {"hinge", "squared_hinge"}
    assert LOSS_SPECS["binary_crossentropy"].activation == "sigmoid"
    assert LOSS_SPECS["hinge"].activation == "tanh"
    assert LOSS_SPECS["poisson"].activation == "exponential"  # the Poisson loss needs a positive rate
    assert LOSS_SPECS["sparse_categorical_crossentropy"].labels == "integer"


def test_loss_spec_task_check():
    assert loss_spec("hinge", "binary")[0] == "hinge"
    with pytest.raises(ValueError, match="loss 'mean_squared_error' is for regression problems, not binary"):
        loss_spec("mse", "binary")
    with pytest.raises(ValueError, match="is for multiclass problems, not regression"):
        loss_spec("kl_divergence", "regression")


def test_loss_spec_rejects_the_removed_keras_2_name():
    with pytest.raises(ValueError, match="'kullback_leibler_divergence' was removed in Keras 3; use 'kl_divergence'"):
        loss_spec("kullback_leibler_divergence")


@pytest.mark.parametrize("loss", ["cosine_similarity", "mean_squared", ""])
def test_loss_spec_rejects_unknown_losses(loss):
    with pytest.raises(ValueError, match=f"unknown loss '{loss}'; choose from: mean_squared_error, "):
        loss_spec(loss)


def test_loss_spec_rejects_non_strings():
    import keras

    with pytest.raises(ValueError, match="loss must be a Keras loss name"):
        loss_spec(keras.losses.mean_squared_error)


# ---------------------------------------------------------------- problems and recipes


@pytest.mark.parametrize(
    "name, task, hidden, epochs",
    [("regression", "regression", (25,), 100), ("circles", "binary", (50,), 200), ("blobs", "multiclass", (50,), 100)],
)
def test_get_problem_built_ins(name, task, hidden, epochs):
    problem = get_problem(name)
    assert (problem.name, problem.task, problem.hidden, problem.epochs) == (name, task, hidden, epochs)
    assert problem.published == PUBLISHED[name]
    assert len(problem.split.X_train) == 500
    assert get_problem(name, task=task).task == task


def test_published_numbers_are_seed_002s():
    assert PUBLISHED["circles"]["binary_crossentropy"] == (0.836, 0.852)
    assert PUBLISHED["circles"]["hinge"] == (0.792, 0.740)
    assert PUBLISHED["blobs"]["kl_divergence"] == (0.822, 0.822)
    assert PUBLISHED["regression"]["mean_squared_logarithmic_error"] == (0.165, 0.184)


def test_get_problem_csv():
    problem = get_problem(SMALL, target="label")
    assert (problem.name, problem.task, problem.hidden, problem.epochs) == ("small", "binary", (50,), 100)
    assert problem.published == {}
    assert problem.split.X_train.shape == (60, 3)
    assert get_problem(SMALL, target="label", task="regression").task == "regression"


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (("circles",), {"task": "regression"}, "problem 'circles' is a binary problem, not regression"),
        (("moons",), {}, "unknown problem 'moons'; use one of regression, circles, blobs, breast_cancer, imbalanced, digits, diabetes, heteroscedastic or a path to a CSV file"),
        ((SMALL,), {}, "a CSV problem needs --target COLUMN"),
        ((str(DATA / "nowhere.csv"),), {"target": "label"}, "no such file"),
        ((SMALL,), {"target": "price"}, "column 'price' not in"),
    ],
)
def test_get_problem_rejects(args, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        get_problem(*args, **kwargs)


def test_default_losses():
    assert default_losses("regression") == [
        "mean_squared_error", "mean_absolute_error", "mean_squared_logarithmic_error", "huber", "log_cosh",
        "poisson"]
    assert default_losses("binary") == ["binary_crossentropy", "hinge", "squared_hinge"]
    assert default_losses("multiclass") == [
        "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence"]


def test_encoded_split_uses_each_losss_label_format():
    circles, blobs = get_problem("circles"), get_problem("blobs")
    hinge = compare.encoded_split(circles, "hinge")
    assert set(hinge.y_train.tolist()) == {-1.0, 1.0}
    np.testing.assert_array_equal(hinge.y_test, 2.0 * circles.split.y_test - 1)
    onehot = compare.encoded_split(blobs, "kld")
    assert onehot.y_train.shape == (500, 3)
    np.testing.assert_array_equal(onehot.y_train.argmax(axis=1), blobs.split.y_train)
    assert compare.encoded_split(blobs, "sparse_categorical_crossentropy").y_train.dtype == np.int64


@pytest.mark.parametrize(
    "problem_name, loss, units, activation, metric",
    [
        ("regression", "mse", 1, "linear", "mse"),
        ("regression", "poisson", 1, "exponential", "mse"),
        ("circles", "binary_crossentropy", 1, "sigmoid", "accuracy"),
        ("circles", "squared_hinge", 1, "tanh", "sign_accuracy"),
        ("blobs", "kl_divergence", 3, "softmax", "accuracy"),
    ],
)
def test_build_model_follows_the_spec(problem_name, loss, units, activation, metric):
    problem = get_problem(problem_name)
    cp.set_seed(0)
    model = compare.build_model(problem, loss)
    hidden, output = [layer for layer in model.layers if layer.__class__.__name__ == "Dense"]
    assert hidden.units == problem.hidden[0]
    assert (output.units, output.activation.__name__) == (units, activation)
    assert model.loss == loss_spec(loss)[0]
    assert model.optimizer.__class__.__name__ == "SGD"
    compiled = model._compile_config.config["metrics"]
    assert [getattr(m, "__name__", m) for m in compiled] == [metric]


# ---------------------------------------------------------------- compare_losses


@pytest.fixture(scope="module")
def regression_cmp():
    # The seed tutorial's design (one data set), one fit at a time: each run is compare.run's.
    return cp.compare_losses("regression", ["mse", "huber"], seeds=SEEDS, epochs=EPOCHS, progress=False,
                             same_data=True, side_by_side=False)


@pytest.fixture(scope="module")
def circles_cmp():
    return cp.compare_losses("circles", ["binary_crossentropy", "hinge"], seeds=SEEDS, epochs=EPOCHS,
                             progress=False, same_data=True)


@pytest.fixture(scope="module")
def csv_cmp():
    problem = get_problem(SMALL, target="label")
    return cp.compare_losses(problem, "binary_crossentropy", seeds=SEEDS, epochs=EPOCHS, progress=False)


def test_comparison_table_columns_and_rows(regression_cmp):
    table = regression_cmp.table
    assert list(table.columns) == ["loss", "metric", "train_mean", "train_std", "test_mean", "test_std",
                                   "published_train", "published_test"]
    assert table["loss"].tolist() == ["mean_squared_error", "huber"]
    assert table["metric"].tolist() == ["mse", "mse"]
    assert regression_cmp.seeds == (0, 1)


def test_comparison_keeps_every_run_in_seed_order(regression_cmp):
    assert list(regression_cmp.results) == ["mean_squared_error", "huber"]
    for runs in regression_cmp.results.values():
        assert len(runs) == SEEDS
        assert all(r.epochs == EPOCHS for r in runs)
    # Run i is seed i's run.
    assert regression_cmp.results["mean_squared_error"][1] == compare.run("regression", "mse", 1, epochs=EPOCHS)


def test_comparison_means_and_sample_stds(regression_cmp):
    for row in regression_cmp.table.to_dict("records"):
        runs = regression_cmp.results[row["loss"]]
        for part in ("train", "test"):
            scores = np.array([getattr(r, part)["mse"] for r in runs])
            assert scores[0] != scores[1]
            assert row[f"{part}_mean"] == pytest.approx(scores.mean(), rel=1e-12)
            assert row[f"{part}_std"] == pytest.approx(scores.std(ddof=1), rel=1e-12)
            assert row[f"{part}_std"] != pytest.approx(scores.std(ddof=0), rel=1e-6)


def test_published_numbers_where_seed_002_reported_them(regression_cmp):
    mse, huber = regression_cmp.table.to_dict("records")
    assert (mse["published_train"], mse["published_test"]) == (0.000, 0.001)
    assert math.isnan(huber["published_train"]) and math.isnan(huber["published_test"])


def test_hinge_is_scored_by_sign_accuracy(circles_cmp):
    table = circles_cmp.table.set_index("loss")
    assert table.loc["binary_crossentropy", "metric"] == "accuracy"
    assert table.loc["hinge", "metric"] == "sign_accuracy"
    assert table.loc["hinge", "published_test"] == 0.740
    assert 0.0 <= table.loc["hinge", "test_mean"] <= 1.0
    assert set(circles_cmp.results["hinge"][0].test) == {"loss", "sign_accuracy"}


def test_summary_formatting(regression_cmp):
    summary = regression_cmp.summary()
    assert summary.index.name == "loss"
    assert list(summary.index) == ["mean_squared_error", "huber"]
    assert list(summary.columns) == ["metric", "train", "test", "published train", "published test"]
    assert all(SUMMARY_CELL.match(cell) for cell in summary["train"].tolist() + summary["test"].tolist())
    for loss in ("mean_squared_error", "huber"):
        for part in ("train", "test"):
            scores = regression_cmp.scores(loss, part)
            assert summary.loc[loss, part] == compare.format_mean(scores)
            assert_precision_supported(summary.loc[loss, part], scores)
    assert summary.loc["mean_squared_error", "published test"] == "0.001"
    assert summary.loc["huber", "published train"] == "—"


def test_summary_prints_no_digit_the_standard_error_does_not_support():
    # A hand-made comparison: ten seeds with sd 0.01 (se 0.003) print two decimals, ten identical
    # seeds print three, and a spread of 0.3 (se 0.1) prints one.
    import pandas as pd

    rng = np.random.default_rng(0)
    cases = {"noisy": 0.818 + 0.01 * rng.standard_normal(10), "tied": np.full(10, 0.8184),
             "wide": 0.5 + 0.3 * rng.standard_normal(10)}
    results = {loss: [cp.FitResult({}, {"loss": 0.0, "accuracy": v}, {"loss": 0.0, "accuracy": v}) for v in values]
               for loss, values in cases.items()}
    rows = [{"loss": loss, "metric": "accuracy", "train_mean": v.mean(), "train_std": v.std(ddof=1),
             "test_mean": v.mean(), "test_std": v.std(ddof=1), "published_train": math.nan,
             "published_test": math.nan} for loss, v in cases.items()]
    summary = Comparison(pd.DataFrame(rows), results, tuple(range(10))).summary()
    assert [printed_decimals(summary.loc[loss, "test"]) for loss in cases] == [2, 3, 1]
    assert summary.loc["tied", "test"] == "0.818 ± 0.000"
    for loss, values in cases.items():
        assert_precision_supported(summary.loc[loss, "test"], values)


def test_comparison_paired_uses_the_shared_seeds(regression_cmp):
    d = regression_cmp.paired("mean_squared_error", "huber", part="train")
    a, b = regression_cmp.scores("mean_squared_error", "train"), regression_cmp.scores("huber", "train")
    assert d == compare.paired_difference(a, b)
    assert d.mean == pytest.approx(float(np.mean(a - b)))


def test_scores_reads_the_runs_in_seed_order(regression_cmp):
    runs = regression_cmp.results["huber"]
    assert regression_cmp.scores("huber", "train").tolist() == [r.train["mse"] for r in runs]
    with pytest.raises(ValueError, match="not in this comparison"):
        regression_cmp.scores("hinge")
    with pytest.raises(ValueError, match="part must be"):
        regression_cmp.scores("huber", "validation")


def test_summary_and_records_without_published_numbers(csv_cmp):
    assert list(csv_cmp.summary().columns) == ["metric", "train", "test"]
    (record,) = csv_cmp.records()
    assert set(record) == {"loss", "metric", "train_mean", "train_std", "test_mean", "test_std"}
    assert record["loss"] == "binary_crossentropy" and record["metric"] == "accuracy"


def test_records(regression_cmp):
    records = regression_cmp.records()
    assert [r["loss"] for r in records] == ["mean_squared_error", "huber"]
    assert list(records[0]) == ["loss", "metric", "train_mean", "train_std", "test_mean", "test_std",
                                "published_train", "published_test"]
    row = regression_cmp.table.iloc[1]
    assert records[1]["test_mean"] == round(float(row["test_mean"]), 6)
    assert records[1]["published_train"] is None
    assert records[0]["published_test"] == 0.001
    json.dumps(records)  # plain Python types only


def test_compare_losses_accepts_explicit_seeds_and_a_single_loss():
    comparison = cp.compare_losses("regression", "mse", seeds=[1, 0], epochs=EPOCHS, progress=False, same_data=True,
                                   side_by_side=False)
    assert comparison.seeds == (1, 0)
    assert comparison.table["loss"].tolist() == ["mean_squared_error"]
    assert comparison.results["mean_squared_error"][0] == compare.run("regression", "mse", 1, epochs=EPOCHS)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"losses": ["mse", "mean_squared_error"]}, "losses are repeated: mse, mean_squared_error"),
        ({"losses": ["huber", "huber"]}, "losses are repeated"),
        ({"losses": []}, "losses must name at least one loss"),
        ({"losses": ["mse", "hinge"]}, "loss 'hinge' is for binary problems, not regression"),
        ({"losses": ["mse"], "seeds": 0}, "seeds must be at least 1"),
        ({"losses": ["mse"], "seeds": []}, "seeds must name at least one seed"),
    ],
)
def test_compare_losses_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        cp.compare_losses("regression", epochs=EPOCHS, progress=False, **kwargs)


# ---------------------------------------------------------------- progress bar


def settle_stderr(capfd):
    """Start TensorFlow and drop what it wrote so far.

    Its C++ start-up lines (import, device discovery) go to file descriptor 2 unless
    ``TF_CPP_MIN_LOG_LEVEL=3``; they are not the progress bar.
    """
    import tensorflow as tf

    tf.constant(0.0) + 1.0
    capfd.readouterr()


def test_no_progress_bar_when_companion_progress_is_0(monkeypatch, capfd):
    settle_stderr(capfd)
    monkeypatch.setenv("COMPANION_PROGRESS", "0")
    cp.compare_losses("regression", ["mse"], seeds=SEEDS, epochs=EPOCHS)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_progress_bar_on_request(monkeypatch, capfd):
    settle_stderr(capfd)
    monkeypatch.setenv("COMPANION_PROGRESS", "1")
    cp.compare_losses("regression", ["mse"], seeds=SEEDS, epochs=EPOCHS)
    out, err = capfd.readouterr()
    assert out == ""
    assert "regression" in err and f"{SEEDS}/{SEEDS}" in err


# ---------------------------------------------------------------- class weights and problem metrics


def imbalanced_problem(metric=None):
    """Circles with every 0 and only 50 of the 1s in training: 1 positive in 6."""
    split = get_problem("circles").split
    keep = np.concatenate([np.flatnonzero(split.y_train == 0), np.flatnonzero(split.y_train == 1)[:50]])
    imbalanced = cp.Split(split.X_train[keep], split.y_train[keep], split.X_test, split.y_test, "binary",
                          "circles-1:5")
    return cp.Problem(imbalanced, hidden=(50,), epochs=EPOCHS, metric=metric)


def test_compare_losses_passes_the_class_weight_to_every_run():
    problem = imbalanced_problem()
    weighted = cp.compare_losses(problem, ["bce"], seeds=SEEDS, class_weight="balanced", progress=False)
    for seed, result in zip(range(SEEDS), weighted.results["binary_crossentropy"]):
        assert result == compare.run(problem, "bce", seed, class_weight="balanced")
        assert result != compare.run(problem, "bce", seed)


@pytest.mark.parametrize("problem, class_weight, message", [
    ("regression", "balanced", "classification problems, not regression"),
    ("circles", "balance", "'balanced' or a dict"),
    ("circles", {0: 1.0}, "no weight for class"),
])
def test_compare_losses_rejects_bad_class_weights(problem, class_weight, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cp.compare_losses(problem, seeds=1, epochs=EPOCHS, class_weight=class_weight, progress=False)


def test_a_problem_metric_scores_the_01_losses_and_leaves_hinge_alone():
    problem = imbalanced_problem(metric="pr_auc")
    assert compare.metric_of(problem, "bce") == "pr_auc"
    assert compare.metric_of(problem, "focal") == "pr_auc"
    assert compare.metric_of(problem, "hinge") == "sign_accuracy"
    cmp = cp.compare_losses(problem, ["bce", "hinge"], seeds=SEEDS, progress=False)
    assert cmp.table["metric"].tolist() == ["pr_auc", "sign_accuracy"]
    scores = cmp.scores("binary_crossentropy")
    assert scores.shape == (SEEDS,) and np.all((0 <= scores) & (scores <= 1))


@pytest.mark.parametrize("name, task, metric, n_features", [
    ("breast_cancer", "binary", "pr_auc", 30),
    ("imbalanced", "binary", "pr_auc", 20),
    ("digits", "multiclass", None, 64),
    ("diabetes", "regression", None, 10),
    ("heteroscedastic", "regression", None, 1),
])
def test_the_problems_beyond_the_seeds(name, task, metric, n_features):
    problem = get_problem(name)
    assert (problem.task, problem.metric, problem.split.n_features) == (task, metric, n_features)
    assert problem.published == {}
    if metric == "pr_auc":  # the minority is the positive class
        assert 0 < problem.split.y_train.mean() < 0.1


def test_cli_imbalanced_problem_is_scored_by_pr_auc_with_balanced_weights(capsys):
    code, out, _ = run_cli(capsys, "--problem", "breast_cancer", "--losses", "bce,focal,hinge",
                           "--seeds", str(SEEDS), "--epochs", str(EPOCHS), "--class-weight", "balanced",
                           "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [(r["loss"], r["metric"]) for r in records] == [
        ("binary_crossentropy", "pr_auc"), ("binary_focal_crossentropy", "pr_auc"), ("hinge", "sign_accuracy")]
    assert "published_train" not in records[0]


def test_focal_loss_is_available_but_not_a_default():
    assert "binary_focal_crossentropy" not in default_losses("binary")
    cmp = cp.compare_losses("circles", ["focal"], seeds=1, epochs=EPOCHS, progress=False)
    assert cmp.table["loss"].tolist() == ["binary_focal_crossentropy"]


# ---------------------------------------------------------------- the command line, in process


def run_cli(capsys, *args):
    code = main(["compare", *args])
    out, err = capsys.readouterr()
    return code, out, err


HEADER = ["metric", "test", "(mean", "±", "se)", "difference", "(95%", "CI)", "p", "Holm", "p", "wins"]
PAIRED_FIELDS = {"paired_difference", "ci_low", "ci_high", "p_value", "p_holm", "n", "sd_diff", "share_better", "test"}


def test_cli_table_on_regression(capsys):
    code, out, err = run_cli(capsys, "--problem", "regression", "--losses", "mse,huber",
                             "--seeds", str(SEEDS), "--epochs", str(EPOCHS))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == (f"regression (regression), {SEEDS} replicates (seeds 0..{SEEDS - 1}: new data, new weights "
                        f"and batch order), {EPOCHS} epochs")
    assert lines[1].startswith("recipe: MLP 20-25-1, ReLU hidden units")
    assert lines[2].startswith("differences: loss - mean_squared_error in the test score, paired t-test; Holm")
    assert lines[3].split() == HEADER
    assert lines[5].split()[:2] == ["mean_squared_error", "mse"] and lines[5].split()[-1] == "reference"
    assert lines[6].split()[0] == "huber" and lines[6].split()[-2:] == [f"of", str(SEEDS)]
    assert len(lines) == 7


def test_cli_default_losses_on_circles(capsys):
    code, out, _ = run_cli(capsys, "--problem", "circles", "--seeds", str(SEEDS), "--epochs", str(EPOCHS))
    assert code == 0
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[5:]}
    assert rows == {"binary_crossentropy": "accuracy", "hinge": "sign_accuracy", "squared_hinge": "sign_accuracy"}


def test_cli_json_on_blobs_matches_compare_losses(capsys):
    code, out, _ = run_cli(capsys, "--problem", "blobs", "--losses", "categorical_crossentropy,kld",
                           "--seeds", str(SEEDS), "--epochs", str(EPOCHS), "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [r["loss"] for r in records] == ["categorical_crossentropy", "kl_divergence"]
    base = {"loss", "metric", "train_mean", "train_std", "test_mean", "test_std", "recipe"}
    assert set(records[0]) == base and set(records[1]) == base | PAIRED_FIELDS
    assert all(record["metric"] == "accuracy" for record in records)
    expected = cp.compare_losses("blobs", ["categorical_crossentropy", "kld"], seeds=SEEDS, epochs=EPOCHS,
                                 progress=False)
    assert records[0]["test_mean"] == round(float(expected.table["test_mean"][0]), 6)
    d = expected.paired("kl_divergence", "categorical_crossentropy")
    assert records[1]["paired_difference"] == round(d.mean, 6) and records[1]["p_value"] == d.p_value


def test_cli_same_data_keeps_the_seed_tutorials_draw_and_its_published_numbers(capsys):
    code, out, _ = run_cli(capsys, "--problem", "blobs", "--losses", "categorical_crossentropy,kld",
                           "--seeds", str(SEEDS), "--epochs", str(EPOCHS), "--format", "json", "--same-data")
    assert code == 0
    records = json.loads(out)
    assert (records[1]["published_train"], records[1]["published_test"]) == (0.822, 0.822)
    expected = cp.compare_losses("blobs", ["categorical_crossentropy", "kld"], seeds=SEEDS, epochs=EPOCHS,
                                 progress=False, same_data=True)
    assert records[0]["test_mean"] == round(float(expected.table["test_mean"][0]), 6)
    redrawn = cp.compare_losses("blobs", ["categorical_crossentropy"], seeds=SEEDS, epochs=EPOCHS, progress=False)
    assert records[0]["test_mean"] != round(float(redrawn.table["test_mean"][0]), 6)
    code, out, _ = run_cli(capsys, "--problem", "blobs", "--losses", "categorical_crossentropy",
                           "--seeds", str(SEEDS), "--epochs", str(EPOCHS), "--same-data")
    assert "the problem's own data, new weights and batch order" in out.splitlines()[0]


def test_cli_the_acceptance_command_prints_the_paired_fields(capsys):
    args = ["--problem", "regression", "--losses", "mean_squared_error,mean_absolute_error", "--seeds", "30",
            "--first-seed", "500", "--epochs", str(EPOCHS)]
    code, out, _ = run_cli(capsys, *args, "--format", "json")
    assert code == 0
    reference, mae = json.loads(out)
    assert PAIRED_FIELDS <= set(mae) and not PAIRED_FIELDS & set(reference)
    assert mae["n"] == 30 and mae["test"] == "t" and mae["ci_low"] < mae["paired_difference"] < mae["ci_high"]
    assert mae["p_holm"] == mae["p_value"]  # a family of one comparison
    assert 0 <= mae["share_better"] <= 1
    cmp = cp.compare_losses("regression", ["mse", "mae"], seeds=30, first_seed=500, epochs=EPOCHS, progress=False)
    assert cmp.seeds == tuple(range(500, 530))
    assert mae["test_mean"] == round(float(cmp.table["test_mean"][1]), 6)
    a, b = cmp.scores("mean_absolute_error"), cmp.scores("mean_squared_error")
    assert mae["share_better"] == round(float(np.mean(a < b)), 6)  # lower MSE is better
    code, out, _ = run_cli(capsys, *args)
    assert code == 0
    assert out.splitlines()[0].startswith("regression (regression), 30 replicates (seeds 500..529: new data")
    assert out.splitlines()[-1].split()[0] == "mean_absolute_error"
    assert out.splitlines()[-1].split()[-3:] == [str(round(mae["share_better"] * 30)), "of", "30"]


def test_cli_reference_is_compared_against_every_other_loss(capsys):
    code, out, _ = run_cli(capsys, "--problem", "regression", "--losses", "mse,mae,huber", "--reference", "mae",
                           "--seeds", "3", "--epochs", str(EPOCHS), "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [r["loss"] for r in records] == ["mean_absolute_error", "mean_squared_error", "huber"]
    assert "p_holm" not in records[0]
    ps = [records[1]["p_value"], records[2]["p_value"]]
    assert [records[1]["p_holm"], records[2]["p_holm"]] == pytest.approx(list(cp.holm(ps)))
    assert max(records[1]["p_holm"], records[2]["p_holm"]) >= max(ps)


def test_cli_class_weight_balanced(capsys):
    code, out, _ = run_cli(capsys, "--problem", SMALL, "--target", "label", "--losses", "bce",
                           "--seeds", str(SEEDS), "--epochs", str(EPOCHS), "--class-weight", "balanced")
    assert code == 0
    assert out.splitlines()[1] == (f"small (binary), {SEEDS} replicates (seeds 0..{SEEDS - 1}: a new split of the "
                                   f"data set, new weights and batch order), {EPOCHS} epochs, class weights balanced")


def test_cli_json_on_a_csv_file(capsys):
    code, out, _ = run_cli(capsys, "--problem", SMALL, "--target", "label", "--losses", "binary_crossentropy",
                           "--seeds", str(SEEDS), "--epochs", str(EPOCHS), "--format", "json")
    assert code == 0
    (record,) = json.loads(out)
    assert set(record) == {"loss", "metric", "train_mean", "train_std", "test_mean", "test_std", "recipe"}
    assert 0.0 <= record["test_mean"] <= 1.0 and record["test_std"] >= 0.0


def test_cli_table_on_a_csv_file_uses_the_corrected_test(capsys):
    code, out, _ = run_cli(capsys, "--problem", SMALL, "--target", "label", "--losses", "bce,focal",
                           "--seeds", "3", "--epochs", str(EPOCHS))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "small: 120 rows, 3 features (binary)"
    assert lines[2].startswith("recipe: MLP ") and "standardized with the training part's mean and sd" in lines[2]
    assert "corrected resampled t-test" in lines[3] and "on this data set" in lines[3]
    assert "published" not in out


def test_cli_encodes_text_columns_and_drops_incomplete_rows(capsys, tmp_path):
    rng = np.random.default_rng(0)
    rows = ["size,colour,weight,label"]
    for i in range(60):
        colour = ["red", "green", "blue"][i % 3]
        weight = "" if i in (4, 17) else f"{rng.normal():.3f}"
        rows.append(f"{rng.normal():.3f},{colour},{weight},{int(i % 3 == 0)}")
    path = tmp_path / "fruit.csv"
    path.write_text("\n".join(rows) + "\n")
    code, out, _ = run_cli(capsys, "--problem", str(path), "--target", "label", "--losses", "bce",
                           "--seeds", "2", "--epochs", str(EPOCHS), "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1
    code, out, _ = run_cli(capsys, "--problem", str(path), "--target", "label", "--losses", "bce",
                           "--seeds", "2", "--epochs", str(EPOCHS))
    first = out.splitlines()[0]
    assert "one-hot encoded colour" in first and "dropped 2 incomplete rows of 60" in first
    problem = get_problem(str(path), target="label")
    assert problem.split.n_features == 2 + 3  # two numbers and three colours
    a, b = problem.draw(1), problem.draw(2)
    assert not np.array_equal(a.y_test, b.y_test) or not np.array_equal(a.X_test, b.X_test)


BAD_INPUTS = [
    # (arguments after "compare", what the one-line message must say)
    (["--problem", "regression", "--losses", "mse,cosine"], "unknown loss 'cosine'"),
    (["--problem", "regression", "--losses", "kullback_leibler_divergence"], "removed in Keras 3"),
    (["--problem", "circles", "--losses", "mse"], "loss 'mean_squared_error' is for regression problems, not binary"),
    (["--problem", "regression", "--losses", "mse,mean_squared_error"], "names a loss twice"),
    (["--problem", "regression", "--losses", ","], "--losses names no loss"),
    (["--problem", str(DATA / "nowhere.csv"), "--target", "label"], "no such file"),
    (["--problem", SMALL, "--target", "price"], "column 'price' not in"),
    (["--problem", SMALL], "a CSV problem needs --target COLUMN"),
    (["--problem", str(DATA / "single_class.csv"), "--target", "label"], "fewer than two classes"),
    (["--problem", "regression", "--reference", "huber", "--losses", "mse,mae"], "--reference huber is not among"),
    (["--problem", "regression", "--reference", "hinge"], "loss 'hinge' is for binary problems"),
    (["--problem", "regression", "--first-seed", "-1"], "argument --first-seed: expected a non-negative integer"),
    (["--problem", "moons"], "unknown problem 'moons'"),
    (["--problem", "circles", "--task", "regression"], "is a binary problem, not regression"),
    (["--problem", "regression", "--seeds", "0"], "argument --seeds: expected a positive integer, got 0"),
    (["--problem", "regression", "--epochs", "ten"], "argument --epochs: expected a positive integer, got 'ten'"),
    (["--problem", "regression", "--format", "xml"], "argument --format: invalid choice"),
    (["--losses", "mse"], "the following arguments are required: --problem"),
    (["--problem", "regression", "--class-weight", "balanced"],
     "--class-weight applies to classification problems, not regression"),
    (["--problem", "circles", "--class-weight", "heavy"], "argument --class-weight: invalid choice: 'heavy'"),
    (["--problem", "diabetes", "--class-weight", "balanced"],
     "--class-weight applies to classification problems, not regression"),
    (["--problem", "digits", "--losses", "bce"], "loss 'binary_crossentropy' is for binary problems, not multiclass"),
]


@pytest.mark.parametrize("args, message", BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
def test_cli_bad_input_exits_2_with_one_line(capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", *args])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("python -m companion")
    assert message in err
    assert "Traceback" not in err


def test_cli_without_a_command_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


# ---------------------------------------------------------------- the command line, as a reader runs it


def python_m_companion(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", COMPANION_PROGRESS="0")
    return subprocess.run([sys.executable, "-m", "companion", "compare", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_python_m_companion_compare_json():
    proc = python_m_companion("--problem", "tests/data/small.csv", "--target", "label", "--losses",
                              "binary_crossentropy,hinge", "--seeds", "2", "--epochs", "2", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    records = json.loads(proc.stdout)
    assert [(r["loss"], r["metric"]) for r in records] == [("binary_crossentropy", "accuracy"),
                                                           ("hinge", "sign_accuracy")]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [(["--problem", "tests/data/single_class.csv", "--target", "label"], "fewer than two classes"),
     (["--problem", "circles", "--losses", "mae"], "is for regression problems, not binary")],
)
def test_python_m_companion_bad_input(args, message):
    proc = python_m_companion(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr


def test_side_by_side_gives_the_one_at_a_time_runs_to_float_rounding():
    one = cp.compare_losses("circles", ["binary_crossentropy", "hinge"], seeds=[3, 0, 5], epochs=3)
    side = cp.compare_losses("circles", ["binary_crossentropy", "hinge"], seeds=[3, 0, 5], epochs=3,
                             side_by_side=True)
    for loss in ("binary_crossentropy", "hinge"):
        for a, b in zip(one.results[loss], side.results[loss]):
            np.testing.assert_allclose(a.history["loss"], b.history["loss"], rtol=1e-4)
            np.testing.assert_allclose(a.test["loss"], b.test["loss"], rtol=1e-4)
            # An accuracy counts samples: a rounding difference may flip one on the boundary.
            metric = "accuracy" if loss == "binary_crossentropy" else "sign_accuracy"
            assert abs(a.test[metric] - b.test[metric]) <= 2.5 / 500
    assert side.seeds == (3, 0, 5)


def test_side_by_side_falls_back_to_one_at_a_time_when_the_model_needs_it():
    import keras

    def adam_recipe(problem, loss, metrics):
        model = compare.build_model(problem, loss, metrics, optimizer=keras.optimizers.Adam(0.01))
        return model

    # Adam is not reproduced side by side: the runs must be exactly the one-at-a-time ones.
    one = cp.compare_losses("circles", ["binary_crossentropy"], seeds=2, epochs=2, build=adam_recipe)
    side = cp.compare_losses("circles", ["binary_crossentropy"], seeds=2, epochs=2, build=adam_recipe,
                             side_by_side=True)
    assert one.results["binary_crossentropy"] == side.results["binary_crossentropy"]




def _csv(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


CSV_REFUSALS = {
    "empty": ("", "empty"),
    "too_few_rows": ("x,label\n" + "".join(f"{i},{i % 2}\n" for i in range(6)), "rows"),
    "free_text": ("note,x,label\n" + "".join(f"comment number {i},{i},{i % 2}\n" for i in range(40)), "free text"),
    "rare_class": ("x,label\n" + "".join(f"{i},{int(i == 0)}\n" for i in range(30)), "class"),
    "infinite": ("x,label\n" + "".join(f"{'inf' if i == 3 else i},{i % 2}\n" for i in range(30)), "inf"),
    "overflowing": ("x,label\n" + "".join(f"{1e308 if i % 2 else -1e308},{i % 2}\n" for i in range(30)),
                    "too large"),
}


@pytest.mark.parametrize("name", CSV_REFUSALS)
def test_cli_refuses_an_unusable_csv_with_one_line(capsys, tmp_path, name):
    text, message = CSV_REFUSALS[name]
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--problem", _csv(tmp_path, f"{name}.csv", text), "--target", "label", "--epochs", "1"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert message in err.lower(), err


def test_compare_losses_on_a_fixed_split_varies_only_weights_and_order():
    problem = cp.Problem(get_problem("regression").split, hidden=(4,), epochs=EPOCHS)
    cmp = cp.compare_losses(problem, ["mse"], seeds=2, progress=False)
    assert cmp.runs.same_data
    assert np.array_equal(cmp.runs.splits[0].X_train, cmp.runs.splits[1].X_train)


def test_differences_skip_a_loss_scored_by_another_measure():
    cmp = cp.compare_losses("breast_cancer", ["bce", "hinge", "focal"], seeds=2, epochs=1, progress=False)
    rows = cmp.differences()
    assert [r["loss"] for r in rows] == ["binary_focal_crossentropy"]  # hinge: sign accuracy, not PR-AUC
    assert rows[0]["test"] == "corrected"
    assert cmp.paired_summary().loc["hinge", "difference (95% CI)"] == "another score"


def test_the_command_line_is_quiet_without_a_tensorflow_log_level():
    # TensorFlow's start-up lines (oneDNN, CUDA, CPU features) and its later C++ log must not reach the
    # terminal, even when the reader has not set TF_CPP_MIN_LOG_LEVEL.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    proc = subprocess.run([sys.executable, "-m", "companion", "compare", "--problem", "tests/data/small.csv",
                           "--target", "label", "--losses", "binary_crossentropy", "--seeds", "2", "--epochs", "2"],
                          cwd=ROOT, env={**env, "COMPANION_PROGRESS": "0"}, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_compare_without_tensorflow_exits_2_with_one_line_naming_the_extra():
    code = ("import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None\n"
            "from companion.__main__ import main\n"
            "sys.exit(main(['compare', '--problem', 'regression', '--seeds', '2']))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "tensorflow and keras" in proc.stderr and '"choosing-loss-functions[tf]"' in proc.stderr


def _malformed_csvs():
    """24 files a reader might feed the command line by mistake, and two that are fine but unusual."""
    rows = range(60)
    body = lambda fmt: "".join(fmt(i) for i in rows).encode()  # noqa: E731
    return {
        "empty.csv": b"",
        "binary.csv": bytes(range(256)) * 4,
        "latin1.csv": "x,caf\xe9,label\n".encode("latin-1") + body(lambda i: f"{i},{i % 3},{i % 2}\n"),
        "ragged.csv": b"x,z,label\n" + body(lambda i: f"{i},{i}\n" if i % 7 == 0 else f"{i},{2 * i},{i % 2}\n"),
        "inf.csv": b"x,z,label\n" + body(lambda i: f"{'inf' if i == 5 else i},{i},{i % 2}\n"),
        "overflow.csv": b"x,z,label\n" + body(lambda i: f"{1e308 if i % 2 else -1e308},{i},{i % 2}\n"),
        "duplicate_columns.csv": b"x,x,label\n" + body(lambda i: f"{i},{i + 1},{i % 2}\n"),
        "semicolons.csv": b"x;z;label\n" + body(lambda i: f"{i};{i};{i % 2}\n"),
        "one_row.csv": b"x,z,label\n1,2,0\n",
        "header_only.csv": b"x,z,label\n",
        "no_target.csv": b"x,z,y\n" + body(lambda i: f"{i},{i},{i % 2}\n"),
        "text_target.csv": b"x,z,label\n" + body(lambda i: f"{i},{i},{'ab'[i % 2]}\n"),
        "empty_column.csv": b"x,z,label\n" + body(lambda i: f"{i},,{i % 2}\n"),
        "all_incomplete.csv": b"x,z,label\n" + body(lambda i: f"{i if i % 2 else ''},{'' if i % 2 else i},{i % 2}\n"),
        "one_class.csv": b"x,z,label\n" + body(lambda i: f"{i},{i},1\n"),
        "bom_crlf.csv": b"\xef\xbb\xbfx,z,label\r\n" + body(lambda i: f"{i},{i * 3 % 7},{i % 2}\r\n"),
        "quoted_commas.csv": b"x,name,label\n" + body(lambda i: f'{i},"a, {i % 3}",{i % 2}\n'),
        "trailing_comma.csv": b"x,z,label,\n" + body(lambda i: f"{i},{i * 3 % 7},{i % 2},\n"),
        "spaces.csv": b"x,z,label\n" + body(lambda i: f" {i} , {i * 3 % 7} , {i % 2} \n"),
        "string_labels.csv": b"x,z,label\n" + body(lambda i: f"{i},{i * 3 % 7},{'cat' if i % 2 else 'dog'}\n"),
        "free_text.csv": b"x,note,label\n" + body(lambda i: f"{i},note number {i},{i % 2}\n"),
        "constant_features.csv": b"x,z,label\n" + body(lambda i: f"1,1,{i % 2}\n"),
        "huge_integers.csv": b"x,z,label\n" + body(lambda i: f"{10 ** 400},{i},{i % 2}\n"),
        "negative_target.csv": b"x,z,y\n" + body(lambda i: f"{i},{i * 3 % 7},{i - 30}\n"),
    }


def test_malformed_files_end_in_exit_0_or_a_short_refusal(tmp_path, capsys):
    from companion.__main__ import main

    outcomes = {}
    for name, content in _malformed_csvs().items():
        path = tmp_path / name
        path.write_bytes(content)
        target = "y" if name in ("no_target.csv", "negative_target.csv") else "label"
        extra = {"text_target.csv": ["--task", "regression"],
                 "negative_target.csv": ["--losses", "mse,msle"]}.get(name, [])
        try:
            code = main(["compare", "--problem", str(path), "--target", target, "--seeds", "2", "--epochs", "1",
                         *extra])
        except SystemExit as stop:
            code = stop.code
        out, err = capsys.readouterr()
        outcomes[name] = code
        assert code in (0, 2), (name, code, err)
        assert "Traceback" not in err, name
        if code == 2:
            assert len((out + err).strip().splitlines()) <= 3, (name, out, err)
            assert err.startswith("python -m companion compare: error: "), (name, err)
        if name == "negative_target.csv":
            assert code == 0 and err.count("warning: mean_squared_logarithmic_error needs targets >= 0") == 1
    refused = {name for name, code in outcomes.items() if code == 2}
    assert {"empty.csv", "binary.csv", "inf.csv", "overflow.csv", "one_class.csv", "free_text.csv"} <= refused
    assert len(outcomes) == 24


def test_the_command_line_says_what_it_trained(capsys):
    from companion.__main__ import main

    assert main(["compare", "--problem", "tests/data/small.csv", "--target", "label", "--losses",
                 "binary_crossentropy", "--seeds", "2", "--epochs", "1", "--hidden", "8,4", "--test-fraction", "0.25",
                 "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    recipe = records[0]["recipe"]
    assert recipe["model"].startswith("MLP ") and "-8-4-1," in recipe["model"]
    assert recipe["epochs"] == 1 and recipe["batch_size"] == 32
    assert recipe["n_test"] * 3 == pytest.approx(recipe["n_train"], abs=3)  # a quarter of the rows held out
    assert "standardized with the training part's mean and sd" in recipe["scaling"]
    assert main(["compare", "--problem", "diabetes", "--losses", "mse", "--seeds", "1", "--epochs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("recipe: MLP 10-10-1, ReLU hidden units") and "221 training and 221 test rows" in lines[1]


@pytest.mark.parametrize("args, message", [
    (["--problem", "diabetes", "--test-fraction", "0.3"], "a test fraction applies to a CSV problem"),
    (["--problem", "diabetes", "--test-fraction", "1.5"], "strictly between 0 and 1"),
    (["--problem", "diabetes", "--hidden", "64,x"], "positive integers separated by commas"),
])
def test_recipe_options_refuse_bad_values_in_one_line(args, message, capsys):
    from companion.__main__ import main

    with pytest.raises(SystemExit) as stop:
        main(["compare", *args])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and message in err and err.count("\n") == 1


def test_cli_a_csv_of_a_built_in_problem_gives_its_numbers_with_its_recipe(capsys, tmp_path):
    # The same data through --problem diabetes and through a CSV of it: with the built-in recipe's hidden layer the
    # two runs are the same runs (same rows, split, scaling, weights, batches); with the CSV defaults they differ,
    # and the recipe line says how.
    from sklearn.datasets import load_diabetes

    path = tmp_path / "diabetes.csv"
    load_diabetes(as_frame=True).frame.to_csv(path, index=False)
    common = ["--losses", "mse,mae", "--seeds", str(SEEDS), "--epochs", str(EPOCHS), "--format", "json"]
    _, built_in, _ = run_cli(capsys, "--problem", "diabetes", *common)
    _, same, _ = run_cli(capsys, "--problem", str(path), "--target", "target", "--hidden", "10", *common)
    _, default, _ = run_cli(capsys, "--problem", str(path), "--target", "target", *common)
    built_in, same, default = json.loads(built_in), json.loads(same), json.loads(default)
    numbers = ("test_mean", "test_std", "train_mean", "paired_difference")
    for a, b in zip(built_in, same):
        assert {k: a.get(k) for k in numbers} == {k: b.get(k) for k in numbers}
    assert built_in[0]["recipe"]["model"] == same[0]["recipe"]["model"] != default[0]["recipe"]["model"]
    assert "10-50-1" in default[0]["recipe"]["model"] and "10-10-1" in built_in[0]["recipe"]["model"]
    assert built_in[0]["test_mean"] != default[0]["test_mean"]
