"""Tests for companion.metrics.long_tail: per-class and tail accuracy, checked against scikit-learn."""

import numpy as np
import pytest

from companion.metrics.long_tail import per_class_accuracy, rarest_classes, tail_accuracy


def draw(seed=0, n_per_class=(30, 20, 10, 5), k=4):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(k), n_per_class)
    scores = rng.normal(size=(len(y), k)) + 1.5 * np.eye(k)[y]
    return y, scores


def test_per_class_accuracy_is_sklearns_recall_per_class_and_its_mean_the_balanced_accuracy():
    from sklearn.metrics import balanced_accuracy_score, recall_score

    for seed in range(5):
        y, scores = draw(seed)
        decisions = scores.argmax(1)
        ours = per_class_accuracy(y, scores)
        np.testing.assert_allclose(ours, recall_score(y, decisions, average=None))
        np.testing.assert_allclose(per_class_accuracy(y, decisions), ours)
        assert float(ours.mean()) == pytest.approx(balanced_accuracy_score(y, decisions))
        assert 0 < ours.min() and ours.max() < 1  # the draw is neither perfect nor hopeless


def test_per_class_accuracy_counts_a_class_that_is_never_predicted():
    from sklearn.metrics import recall_score

    y, pred = np.array([0, 1, 2, 3, 3]), np.array([0, 0, 2, 2, 3])
    np.testing.assert_allclose(per_class_accuracy(y, pred), [1.0, 0.0, 1.0, 0.5])
    np.testing.assert_allclose(per_class_accuracy(y, pred), recall_score(y, pred, average=None))
    np.testing.assert_allclose(per_class_accuracy([0, 1], [0, 0], n_classes=2), [1.0, 0.0])


def test_tail_accuracy_is_the_mean_recall_of_the_group_and_the_pooled_accuracy_on_a_balanced_test_set():
    from sklearn.metrics import recall_score

    y, scores = draw(1)
    decisions = scores.argmax(1)
    expected = recall_score(y, decisions, labels=[2, 3], average=None).mean()
    assert tail_accuracy(y, scores, classes=[2, 3]) == pytest.approx(expected)
    assert tail_accuracy(y, decisions, classes=[3, 2]) == pytest.approx(expected)
    y_bal, s_bal = draw(2, n_per_class=(25, 25, 25, 25))
    d_bal = s_bal.argmax(1)
    in_tail = np.isin(y_bal, [1, 3])
    assert tail_accuracy(y_bal, s_bal, [1, 3]) == pytest.approx(np.mean(d_bal[in_tail] == y_bal[in_tail]))
    assert tail_accuracy(y, scores, classes=list(range(4))) == pytest.approx(per_class_accuracy(y, scores).mean())


def test_rarest_classes_by_training_count():
    y_train = np.repeat(np.arange(5), [9, 3, 7, 3, 1])
    assert rarest_classes(y_train, 3) == [4, 1, 3]
    assert rarest_classes(y_train, 1) == [4]
    from companion.datasets import long_tailed_digits

    assert rarest_classes(long_tailed_digits(ratio=10).y_train, 3) == [9, 8, 7]


@pytest.mark.parametrize("args, match", [
    (([0, 1, 1], [0, 1]), "must match"),
    (([0, 1, 1], [0, 1, 2]), "no test sample"),
    (([0, 1.5, 1], [0, 1, 1]), "class indices"),
    (([0, -1, 1], [0, 1, 1]), "class indices"),
    (([], []), "non-empty"),
    (([0, 1], np.array([[0.2], [0.8]])), "k >= 2"),
    (([0, 1], np.array([[np.nan, 0.1], [0.2, 0.8]])), "finite"),
    (([0, 1, 2], np.eye(3)[[0, 1, 2]], 4), "columns"),
    (([0, 1, 2], [0, 1, 2], 2), "below n_classes"),
    ((["a", "b"], [0, 1]), "class indices"),
])
def test_per_class_accuracy_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        per_class_accuracy(*args)


@pytest.mark.parametrize("classes, match", [([], "non-empty"), ([1, 1], "repeated"), ([5], "not among"),
                                            ([2], "no test sample"), ([0.5], "non-empty")])
def test_tail_accuracy_rejects(classes, match):
    y, scores = np.array([0, 1, 1]), np.eye(3)[[0, 1, 1]]
    with pytest.raises(ValueError, match=match):
        tail_accuracy(y, scores, classes)


def test_rarest_classes_rejects():
    with pytest.raises(ValueError, match="n must"):
        rarest_classes([0, 1, 1], 3)
    with pytest.raises(ValueError, match="class indices"):
        rarest_classes([[0, 1]], 1)
