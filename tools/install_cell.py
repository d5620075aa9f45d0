"""The first code cell of every chapter: it installs ``companion`` where the repository is absent.

A chapter opened in Colab, on Binder without the repository, or downloaded alone has no ``companion``
(and no ``myst_nb``, whose ``glue`` the chapters use). Its first code cell installs them, from the
repository's archive at the book's version, and prints nothing when both are already importable, so
nbval and the website are unaffected.

One setting decides where it installs from: ``repository.url`` in ``_config.yml`` (with
``companion.__version__`` for the tag). This script writes that cell into every chapter, or checks
that every chapter carries it, word for word::

    python -m tools.install_cell --check    # exit 1 and name the chapters that differ
    python -m tools.install_cell --write    # (re)write the cell in every chapter (`make install-cell`)

A reader, or a test, can point the cell elsewhere with the environment variable ``COMPANION_SOURCE``
(any pip requirement target: a wheel file, an archive URL, a local folder).
"""

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MARKER = "# Runs this notebook outside the book's repository"


def archive_url(root=ROOT):
    """Return the archive of the book's repository at the tag of ``companion.__version__``."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    namespace = {}
    init = (root / "companion" / "__init__.py").read_text(encoding="utf-8")
    version_line = next(line for line in init.splitlines() if line.startswith("__version__"))
    exec(version_line, namespace)
    return f"{url}/archive/refs/tags/v{namespace['__version__']}.zip"


def cell_source(root=ROOT):
    """Return the install cell's source, identical in every chapter."""
    return (
        f"{MARKER} (Colab, Binder, a download): it installs the book's\n"
        "# helper package `companion` and myst-nb when they are missing, and prints nothing when they are there.\n"
        "import importlib, importlib.util, os, subprocess, sys\n"
        "if not all(importlib.util.find_spec(name) for name in (\"companion\", \"myst_nb\")):\n"
        f"    source = os.environ.get(\"COMPANION_SOURCE\", \"{archive_url(root)}\")\n"
        "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", "
        "f\"choosing-loss-functions[tf,book] @ {source}\"],\n"
        "                   check=True)\n"
        "    importlib.invalidate_caches()"
    )


def chapters(root=ROOT):
    return sorted((root / "book").glob("*.ipynb"))


def first_code_cell(notebook):
    return next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")


def _source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def differing(root=ROOT):
    """Return the chapters whose first code cell is not the install cell."""
    expected = cell_source(root)
    return [path for path in chapters(root)
            if _source(first_code_cell(json.loads(path.read_text(encoding="utf-8")))) != expected]


def write(root=ROOT):
    """Put the install cell first in every chapter (replacing an older version of it).

    The cell has no output. Re-execute the chapters afterwards (``make execute``) so that their
    execution counts run top to bottom again.
    """
    expected = cell_source(root)
    lines = expected.split("\n")
    # Hidden on the website (the page needs no installation); kept in the notebook that is downloaded.
    new_cell = {"cell_type": "code", "execution_count": None, "metadata": {"tags": ["remove-cell"]}, "outputs": [],
                "source": [line + "\n" for line in lines[:-1]] + [lines[-1]]}
    changed = []
    for path in chapters(root):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cell = first_code_cell(notebook)
        if _source(cell) == expected:
            continue
        if _source(cell).startswith(MARKER):
            cell["source"] = new_cell["source"]
        else:
            index = notebook["cells"].index(cell)
            notebook["cells"].insert(index, dict(new_cell, id="install-companion"))
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        changed.append(path)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.install_cell", description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true", help="exit 1 if a chapter lacks the current cell")
    group.add_argument("--write", action="store_true", help="write the current cell into every chapter")
    args = parser.parse_args(argv)
    if args.write:
        for path in write():
            print(f"wrote the install cell into {path.relative_to(ROOT)}")
        return 0
    wrong = differing()
    for path in wrong:
        print(f"{path.relative_to(ROOT)}: first code cell is not the install cell (run `make install-cell`)")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
