# Execution statistics (`make stats`, benchmarks/execution_stats.py): when COMPANION_STATS_FILE names
# a file, the kernel writes there, after every cell, how many models the chapter has trained through
# companion so far (companion.training.models_trained). After the chapter's last cell the file holds
# the chapter's total. (nbval kills its kernel at the end, so an exit hook would never run.) Without
# that variable this file does nothing.
import os as _os

if _os.environ.get("COMPANION_STATS_FILE"):

    def _write_companion_stats(result=None, path=_os.environ["COMPANION_STATS_FILE"]):
        import json
        import sys

        training = sys.modules.get("companion.training")
        counts = training.models_trained() if training is not None else {}
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(counts, handle)

    get_ipython().events.register("post_run_cell", _write_companion_stats)  # noqa: F821 (IPython startup)
del _os
