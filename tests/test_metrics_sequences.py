"""Tests of companion.metrics.sequences: edit distance and label error rate against TensorFlow, CTC decoding."""

import numpy as np
import pytest

from companion.metrics import sequences


def _padded(rows, pad, width):
    return np.array([list(r) + [pad] * (width - len(r)) for r in rows], dtype="int64")


def _random_rows(rng, n, max_length, n_labels):
    return [rng.integers(1, n_labels + 1, rng.integers(0, max_length + 1)) for _ in range(n)]


@pytest.mark.parametrize("normalize", [False, True])
def test_edit_distance_matches_tensorflow(normalize):
    import tensorflow as tf

    rng = np.random.default_rng(0)
    truth = _random_rows(rng, 300, 6, 4)
    truth = [t if len(t) else np.array([2]) for t in truth]  # normalising needs a non-empty truth
    guess = _random_rows(rng, 300, 8, 4)

    def sparse(rows):
        indices = [(i, j) for i, r in enumerate(rows) for j in range(len(r))]
        values = [int(v) for r in rows for v in r]
        return tf.SparseTensor(np.array(indices, dtype="int64").reshape(-1, 2), np.array(values, dtype="int64"),
                               (len(rows), max(len(r) for r in rows)))

    expected = tf.edit_distance(sparse(guess), sparse(truth), normalize=normalize).numpy()
    got = sequences.edit_distance(_padded(truth, 0, 6), _padded(guess, -1, 8), normalize=normalize)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert got.dtype == (np.float64 if normalize else np.int64)


@pytest.mark.parametrize("truth, guess, distance", [
    ([1, 2, 3], [1, 2, 3], 0),
    ([1, 2, 3], [], 3),                 # three deletions
    ([], [4, 4], 2),                    # two insertions
    ([1, 2, 3], [1, 3], 1),
    ([1, 2, 3], [3, 2, 1], 2),          # two substitutions
    ([5, 1, 2], [1, 2, 5], 2),          # a move is a deletion and an insertion
    ([1, 1], [1], 1),                   # a merged repeat costs one label
])
def test_edit_distance_by_hand(truth, guess, distance):
    y_true = _padded([truth], 0, 4)
    y_pred = _padded([guess], -1, 4)
    assert sequences.edit_distance(y_true, y_pred)[0] == distance
    assert sequences.edit_distance(y_pred.clip(0), y_true, pad_true=0, pad_pred=0)[0] == distance  # symmetric


def test_label_error_rate_pools_edits_over_labels():
    y_true = [[1, 2, 3, 4], [5, 0, 0, 0]]
    y_pred = [[1, 2, 3, 4], [1, 2, -1, -1]]   # no edit in 4 labels, then 2 edits in 1 label
    assert sequences.label_error_rate(y_true, y_pred) == pytest.approx(2 / 5)
    assert sequences.edit_distance(y_true, y_pred, normalize=True).mean() == pytest.approx(1.0)  # another mean
    assert sequences.label_error_rate([[1, 0]], [[2, 2]]) == pytest.approx(2.0)  # insertions push it above 1
    assert sequences.label_error_rate([[1, 2], [0, 0]], [[1, 2], [3, -1]]) == pytest.approx(0.5)  # empty truth


@pytest.mark.parametrize("y_true, y_pred, kwargs, match", [
    ([[1, 2], [3]], [[1, -1], [3, -1]], {}, "y_true is ragged"),
    ([[1, 2]], [[1, 2], [3, 4]], {}, "y_true has 1 sequences but y_pred has 2"),
    ([1, 2], [1, 2], {}, "2-D array"),
    ([[1, 2]], np.zeros((1, 1, 2), int), {}, r"take decoded\[0\]"),
    ([[1, -2]], [[1, -1]], {}, "negative labels such as -2"),
    ([[1, 0, 2]], [[1, -1, -1]], {}, "row 0 of y_true has a label after its pad"),
    ([[1, 2]], [[1.5, -1]], {}, "integer labels"),
    ([[0, 0]], [[1, -1]], {"normalize": True}, "row 0 is empty"),
    ([[1, 2]], [[1, 2]], {"pad_true": 0.5}, "must be an integer"),
])
def test_edit_distance_refuses_bad_input(y_true, y_pred, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sequences.edit_distance(y_true, y_pred, **kwargs)


def test_label_error_rate_refuses_an_all_empty_truth():
    with pytest.raises(ValueError, match="every sequence of y_true is empty"):
        sequences.label_error_rate([[0, 0]], [[1, -1]])


def test_collapse_frames_is_greedy_ctc_decoding_of_one_hot_frames():
    rng = np.random.default_rng(1)
    frames = rng.integers(0, 4, (200, 12))
    frames[:20] = 0  # all blank
    one_hot = np.log(np.eye(4)[frames] + 1e-4)
    np.testing.assert_array_equal(sequences.collapse_frames(frames), sequences.greedy_decode(one_hot))
    assert sequences.collapse_frames([[2, 2, 0, 2, 1]]).tolist() == [[2, 2, 1, -1, -1]]
    assert sequences.collapse_frames([[1, 1, 9, 2]], blank=9, pad=0).tolist() == [[1, 2, 0, 0]]
    with pytest.raises(ValueError, match="2-D integer array"):
        sequences.collapse_frames([0.5, 1.0])


def test_greedy_decode_uses_every_frame_and_takes_the_argmax():
    logits = np.full((2, 5, 3), -5.0)
    logits[0, [0, 1, 3], 1] = 5.0        # 1 1 blank 1 blank
    logits[0, [2, 4], 0] = 5.0
    logits[1, :, 2] = 1.0                # 2 everywhere: one label
    logits[1, 4, 1] = 3.0                # ... then 1 in the last frame
    np.testing.assert_array_equal(sequences.greedy_decode(logits), [[1, 1, -1, -1, -1], [2, 1, -1, -1, -1]])
    with pytest.raises(ValueError, match=r"shape \(n_sequences, n_frames, n_classes\)"):
        sequences.greedy_decode(np.zeros((2, 5)))
