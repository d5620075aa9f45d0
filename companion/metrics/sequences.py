"""Scores of predicted label sequences: the edit distance and the label error rate, with CTC decoding.

A batch of label sequences is a 2-D integer array, one sequence per row, padded at the END of each row
with a pad value that is never a label: ``(n_sequences, max_length)``. The defaults follow Keras:

* true labels for ``keras.losses.CTC`` are padded with ``0``, its blank (``pad_true=0``);
* ``keras.ops.ctc_decode`` pads its decoded sequences with ``-1`` (``pad_pred=-1``).

Labels are non-negative integers; a pad inside a row (a real label after it) is refused, since Keras's CTC
would read that row differently (it counts the non-zero entries as the label's length).

The edit (Levenshtein) distance between a true sequence and a predicted one is the fewest insertions,
deletions and substitutions of single labels that turn one into the other, what ``tf.edit_distance``
computes (tested equal). The label error rate of a batch is the sum of the distances divided by the sum of
the true lengths: the character (or word, phoneme) error rate of speech and handwriting recognition. It can
exceed 1 when the predictions insert many labels.
"""

import numpy as np

__all__ = ["collapse_frames", "edit_distance", "greedy_decode", "label_error_rate"]


def _rows(values, name, pad):
    """The rows of a padded batch, without their padding, as a list of int64 arrays (checked)."""
    if isinstance(pad, (bool, np.bool_)) or not isinstance(pad, (int, np.integer)):
        raise ValueError(f"the pad of {name} must be an integer, got {pad!r}")
    try:
        array = np.asarray(values)
    except ValueError:
        array = None
    if array is None or array.dtype == object:
        raise ValueError(f"{name} is ragged: its rows have different lengths; pad each row at the end to one "
                         "length (a 2-D array of shape (n_sequences, max_length))")
    if array.ndim != 2:
        hint = " (keras.ops.ctc_decode returns (top_paths, n, steps): take decoded[0])" if array.ndim == 3 else ""
        raise ValueError(f"{name} must be a 2-D array of shape (n_sequences, max_length), got shape "
                         f"{array.shape}{hint}")
    if array.dtype.kind not in "iuf" or (array.dtype.kind == "f" and not np.all(array == np.round(array))):
        raise ValueError(f"{name} must hold integer labels, got dtype {array.dtype}")
    array = array.astype("int64")
    padded = array == pad
    if np.any((array < 0) & ~padded):
        raise ValueError(f"{name} holds negative labels such as {int(array[(array < 0) & ~padded][0])}; labels are "
                         f"integers >= 0, and the pad ({pad}) only ends a row")
    if np.any(padded[:, :-1] & ~padded[:, 1:]):
        row = int(np.flatnonzero((padded[:, :-1] & ~padded[:, 1:]).any(axis=1))[0])
        raise ValueError(f"row {row} of {name} has a label after its pad ({pad}): pad each row at the end only")
    lengths = (~padded).sum(axis=1)
    return [row[:length] for row, length in zip(array, lengths)]


def _levenshtein(a, b):
    """Edit distance of two 1-D integer arrays: the classic dynamic programme, one row at a time."""
    previous = np.arange(len(b) + 1)
    for i, label in enumerate(a, start=1):
        current = np.empty_like(previous)
        current[0] = i
        substitution = previous[:-1] + (b != label)
        deletion = previous[1:] + 1
        best = np.minimum(substitution, deletion)
        for j in range(len(b)):  # insertions chain along the row
            current[j + 1] = min(best[j], current[j] + 1)
        previous = current
    return int(previous[-1])


def edit_distance(y_true, y_pred, *, pad_true=0, pad_pred=-1, normalize=False):
    """Return the edit (Levenshtein) distance between each true and predicted label sequence.

    Parameters
    ----------
    y_true : array-like of shape (n_sequences, max_true_length)
        True label sequences, integers ``>= 0``, each row padded at the end with ``pad_true``.
    y_pred : array-like of shape (n_sequences, max_pred_length)
        Predicted sequences (``keras.ops.ctc_decode(...)[0][0]``, or :func:`greedy_decode`), padded at the end
        with ``pad_pred``. The two widths may differ.
    pad_true : int, default=0
        The pad of ``y_true``: 0, Keras's CTC blank, by default.
    pad_pred : int, default=-1
        The pad of ``y_pred``: -1, what ``keras.ops.ctc_decode`` fills with, by default.
    normalize : bool, default=False
        Divide each distance by the length of its true sequence, as ``tf.edit_distance(normalize=True)``.

    Returns
    -------
    distances : ndarray of shape (n_sequences,)
        int64 counts of edits; float64 rates with ``normalize=True``.

    Raises
    ------
    ValueError
        For a ragged batch, arrays that are not 2-D, a different number of rows in the two batches,
        labels that are not integers or are negative, a pad inside a row, or ``normalize=True`` with an empty
        true sequence.

    Examples
    --------
    >>> from companion.metrics.sequences import edit_distance
    >>> y_true = [[1, 2, 3, 0], [4, 4, 0, 0]]       # padded with 0, Keras's CTC convention
    >>> y_pred = [[1, 3, -1], [4, 5, 4]]            # padded with -1, as ctc_decode returns them
    >>> edit_distance(y_true, y_pred)               # one deletion; one insertion
    array([1, 1])
    >>> edit_distance(y_true, y_pred, normalize=True)
    array([0.33333333, 0.5       ])
    """
    truth = _rows(y_true, "y_true", pad_true)
    guess = _rows(y_pred, "y_pred", pad_pred)
    if len(truth) != len(guess):
        raise ValueError(f"y_true has {len(truth)} sequences but y_pred has {len(guess)}; score one prediction "
                         "per true sequence")
    distances = np.array([_levenshtein(t, g) for t, g in zip(truth, guess)], dtype="int64")
    if not normalize:
        return distances
    lengths = np.array([len(t) for t in truth])
    if np.any(lengths == 0):
        raise ValueError(f"y_true row {int(np.flatnonzero(lengths == 0)[0])} is empty: a distance to an empty "
                         "sequence cannot be normalised by its length (use label_error_rate)")
    return distances / lengths


def label_error_rate(y_true, y_pred, *, pad_true=0, pad_pred=-1):
    """Return the label error rate of a batch: total edit distance over total true length.

    ``sum_i d(y_true_i, y_pred_i) / sum_i len(y_true_i)``, the character (word, phoneme) error rate of
    speech and handwriting recognition. Long sequences weigh more than in the mean of the normalised
    distances. 0 is perfect; it exceeds 1 when a prediction inserts more labels than the truth holds.

    Parameters
    ----------
    y_true, y_pred, pad_true, pad_pred
        As in :func:`edit_distance`.

    Returns
    -------
    rate : float

    Raises
    ------
    ValueError
        As :func:`edit_distance`, and when every true sequence is empty.

    Examples
    --------
    >>> from companion.metrics.sequences import label_error_rate
    >>> label_error_rate([[1, 2, 3, 0], [4, 4, 0, 0]], [[1, 3, -1], [4, 5, 4]])   # 2 edits over 5 labels
    0.4
    """
    distances = edit_distance(y_true, y_pred, pad_true=pad_true, pad_pred=pad_pred)
    total = sum(len(t) for t in _rows(y_true, "y_true", pad_true))
    if total == 0:
        raise ValueError("every sequence of y_true is empty: there is no label to err on")
    return float(distances.sum() / total)


def collapse_frames(frames, blank=0, pad=-1):
    """Turn per-frame labels into a label sequence: merge repeated labels, then drop the blanks.

    What greedy CTC decoding does to the frame-wise argmax (tested equal to ``keras.ops.ctc_decode`` on
    one-hot frames). A label that repeats across a blank counts twice: ``[3, 3, 0, 3]`` gives ``[3, 3]``.

    Parameters
    ----------
    frames : array-like of shape (n_sequences, n_frames)
        One integer label per frame, ``blank`` where no label is emitted.
    blank : int, default=0
    pad : int, default=-1
        What fills each row after its sequence, as ``keras.ops.ctc_decode`` does.

    Returns
    -------
    sequences : ndarray of shape (n_sequences, n_frames), int64

    Examples
    --------
    >>> from companion.metrics.sequences import collapse_frames
    >>> collapse_frames([[0, 3, 3, 0, 3, 1, 1, 0]])
    array([[ 3,  3,  1, -1, -1, -1, -1, -1]])
    """
    frames = np.asarray(frames)
    if frames.ndim != 2 or frames.dtype.kind not in "iu":
        raise ValueError(f"frames must be a 2-D integer array of shape (n_sequences, n_frames), got shape "
                         f"{frames.shape} and dtype {frames.dtype}")
    keep = frames != blank
    keep[:, 1:] &= frames[:, 1:] != frames[:, :-1]
    out = np.full(frames.shape, pad, dtype="int64")
    for i, row in enumerate(frames):
        labels = row[keep[i]]
        out[i, :len(labels)] = labels
    return out


def greedy_decode(logits, blank=0):
    """Decode CTC outputs greedily with ``keras.ops.ctc_decode``: best class per frame, merge repeats, drop blanks.

    A thin wrapper: every frame of every sequence counts (the input length is the number of frames), and the
    result comes back as a NumPy array of one row per sequence.

    Parameters
    ----------
    logits : array-like of shape (n_sequences, n_frames, n_classes)
        The model's per-frame outputs (logits or probabilities: greedy decoding takes the argmax).
    blank : int, default=0
        The blank class (``keras.losses.CTC`` uses 0).

    Returns
    -------
    sequences : ndarray of shape (n_sequences, n_frames), int64
        Decoded label sequences, padded at the end with -1.

    Examples
    --------
    >>> import numpy as np
    >>> from companion.metrics.sequences import greedy_decode
    >>> logits = np.log(np.eye(4)[[[0, 2, 2, 0, 2, 3]]] + 1e-3)   # frames: blank 2 2 blank 2 3
    >>> greedy_decode(logits)
    array([[ 2,  2,  3, -1, -1, -1]])
    """
    import keras

    logits = np.asarray(logits, dtype="float32")
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape (n_sequences, n_frames, n_classes), got {logits.shape}")
    lengths = np.full(len(logits), logits.shape[1], dtype="int32")
    decoded, _ = keras.ops.ctc_decode(logits, lengths, strategy="greedy", mask_index=blank)
    return np.asarray(decoded[0]).astype("int64")
