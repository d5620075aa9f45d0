"""Tests for companion.metrics.ordinal: MAE on ranks, quadratic weighted kappa, accuracy."""

import numpy as np
import pytest

from companion import metrics
from companion.metrics import ordinal


def kappa_by_hand(y, p, k):
    """Quadratic weighted kappa from its definition: observed and chance tables, weights (i - j)**2."""
    observed = np.zeros((k, k))
    np.add.at(observed, (y, p), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    i, j = np.indices((k, k))
    w = (i - j) ** 2
    return 1 - (w * observed).sum() / (w * expected).sum()


def test_hand_computed_case():
    y, p = [0, 1, 2, 3], [0, 2, 2, 1]
    assert ordinal.rank_mae(y, p) == 0.75
    assert ordinal.rank_accuracy(y, p) == 0.5
    assert ordinal.quadratic_weighted_kappa(y, p) == pytest.approx(kappa_by_hand(np.array(y), np.array(p), 4))
    # 1 - 5 / 8: weighted misses 1 + 4 against 8 by chance.
    assert ordinal.quadratic_weighted_kappa(y, p) == pytest.approx(3 / 8)
    assert ordinal.ordinal_scores(y, p) == {"mae": 0.75, "qwk": pytest.approx(3 / 8), "accuracy": 0.5}


def test_kappa_matches_its_definition_on_random_ranks():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, size=300)
    p = np.clip(y + rng.integers(-2, 3, size=300), 0, 4)
    assert ordinal.quadratic_weighted_kappa(y, p, n_classes=5) == pytest.approx(kappa_by_hand(y, p, 5))
    assert ordinal.quadratic_weighted_kappa(y, y) == 1.0
    # A rank nobody uses changes nothing.
    assert ordinal.quadratic_weighted_kappa(y, p, n_classes=7) == pytest.approx(kappa_by_hand(y, p, 5))


def test_kappa_undefined_case_takes_the_value_fixed_in_advance():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the case is handled, not warned about by scikit-learn
        assert ordinal.quadratic_weighted_kappa([2, 2, 2], [2, 2, 2]) == 0.0
        assert np.isnan(ordinal.quadratic_weighted_kappa([2, 2], [2, 2], replace_undefined_by=np.nan))
    # the value scikit-learn gives the same case, with its warning
    from sklearn.metrics import cohen_kappa_score

    with pytest.warns(UserWarning):
        assert cohen_kappa_score([2, 2, 2], [2, 2, 2], weights="quadratic", labels=[0, 1, 2],
                                 replace_undefined_by=0.0) == 0.0


def test_floats_holding_whole_numbers_are_ranks():
    assert ordinal.rank_mae(np.array([0.0, 2.0]), np.array([1, 2])) == 0.5


@pytest.mark.parametrize("y_true, y_pred, kwargs, match", [
    ([0, 1, 2], [0, 1], {}, "y_pred has shape \\(2,\\) but y_true has shape \\(3,\\)"),
    ([0, 1], [0, 1.5], {}, "y_pred must be integer ranks"),
    ([0, 0.5], [0, 1], {}, "y_true must be integer ranks"),
    ([0, -1], [0, 1], {}, "y_true must be integer ranks"),
    ([0, 1], [[0.2, 0.8], [0.6, 0.4]], {}, "y_pred must be ranks of shape \\(n,\\)"),
    ([0, 1], [0, 5], {"n_classes": 5}, "y_pred must lie in 0..4"),
    ([0, 1], [0, 1], {"n_classes": 1}, "n_classes must be an integer >= 2"),
    ([0, np.nan], [0, 1], {}, "y_true contains NaN"),
    (["a", "b"], [0, 1], {}, "y_true must hold numbers"),
    ([], [], {}, "empty"),
])
@pytest.mark.parametrize("score", ["rank_mae", "quadratic_weighted_kappa", "rank_accuracy", "ordinal_scores"])
def test_bad_input_is_refused_by_name(score, y_true, y_pred, kwargs, match):
    with pytest.raises(ValueError, match=match):
        getattr(ordinal, score)(y_true, y_pred, **kwargs)


def test_reachable_from_companion_metrics():
    assert metrics.ordinal.rank_mae is ordinal.rank_mae
