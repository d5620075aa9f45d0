"""Shape checks shared by the Keras metric functions and the losses of :mod:`companion.custom`."""


def _align(y_true, y_pred, dtype="float32"):
    """Give ``y_true`` and ``y_pred`` the same rank when they differ by one trailing axis.

    Without this, ``(n,)`` labels against ``(n, 1)`` predictions broadcast to ``(n, n)``.
    ``dtype=None`` keeps the tensors' own dtype (for losses computed in ``floatx``).
    """
    from keras import ops

    y_true = ops.convert_to_tensor(y_true, dtype=dtype)
    y_pred = ops.convert_to_tensor(y_pred, dtype=dtype)
    rank_true, rank_pred = len(y_true.shape), len(y_pred.shape)
    if rank_true == rank_pred - 1:
        y_true = ops.expand_dims(y_true, -1)
    elif rank_pred == rank_true - 1:
        y_pred = ops.expand_dims(y_pred, -1)
    elif rank_true != rank_pred:
        raise ValueError(f"cannot align y_true of shape {y_true.shape} with y_pred of shape {y_pred.shape}")
    if y_true.shape[-1] is not None and y_pred.shape[-1] is not None and y_true.shape[-1] != y_pred.shape[-1]:
        raise ValueError(f"y_true has {y_true.shape[-1]} targets per sample but y_pred has {y_pred.shape[-1]}")
    return ops, y_true, y_pred
