"""Fail the book build when a notebook stores an error output.

The book renders stored outputs without executing them (``execute_notebooks: off``),
so a cell that raised would otherwise be published as a traceback. This extension
warns for every stored error output; ``jupyter-book build -W`` turns that into a
failed build. Cells that demonstrate an error catch it and print the message.
"""

import json
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _check(app, env, docnames):
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if path.suffix != ".ipynb":
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    logger.warning(
                        "stored error output in cell %d: %s: %s", index, output.get("ename"), output.get("evalue"),
                        location=docname,
                    )


def setup(app):
    app.connect("env-before-read-docs", _check)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
