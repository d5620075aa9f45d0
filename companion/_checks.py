"""Input checks shared by the NumPy helpers: numbers where numbers are expected.

``np.asarray(["cat", "dog"], dtype=float)`` fails with NumPy's "could not convert string to float", which names
neither the argument nor the fix. :func:`numeric` names both.
"""

import numpy as np

_NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integers, floats


def numeric(values, name, dtype="float64", labels=True):
    """Return ``values`` as an array of ``dtype``, or raise ``ValueError`` naming ``name`` if they are not numbers.

    Text labels (``"cat"``, ``"dog"``) are refused with a hint rather than guessed at: which class is 0 and which
    is 1 is the caller's decision. Object arrays are accepted when every entry converts to a number.

    Parameters
    ----------
    values : array_like
        Any shape.
    name : str
        The argument's name, used in the message.
    dtype : str or None
        The returned dtype; ``None`` keeps the numeric dtype of ``values``.
    labels : bool
        Whether ``values`` are class labels: the message then says how to encode them.

    Returns
    -------
    ndarray of the same shape as ``values``.

    Examples
    --------
    >>> numeric([0, 1, 1], "y_true")
    array([0., 1., 1.])
    >>> numeric(["cat", "dog"], "y_true")
    Traceback (most recent call last):
    ...
    ValueError: y_true must hold numbers, got text such as 'cat'; encode the classes as integers 0..k-1 first, e.g. with sklearn.preprocessing.LabelEncoder
    """
    array = np.asarray(values)
    if array.dtype.kind not in _NUMERIC_KINDS:
        try:
            if array.dtype.kind in "USc":
                raise TypeError
            converted = array.astype("float64")
        except (TypeError, ValueError):
            example = next((v for v in array.ravel().tolist() if not isinstance(v, (int, float))), None)
            what = f"text such as {example!r}" if isinstance(example, (str, bytes)) else (
                f"values of type {type(example).__name__} such as {example!r}" if example is not None
                else f"values of dtype {array.dtype}")
            hint = ("; encode the classes as integers 0..k-1 first, e.g. with sklearn.preprocessing.LabelEncoder"
                    if labels else "")
            raise ValueError(f"{name} must hold numbers, got {what}{hint}") from None
        array = converted
    return array if dtype is None else array.astype(dtype)
