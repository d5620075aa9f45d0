"""Structural checks of every chapter notebook's stored state, without running a kernel.

nbval (``make test``) re-runs the notebooks and compares outputs; these checks catch, in a second,
what would make that comparison meaningless or the book build fail: a notebook that was not executed
top to bottom in one fresh kernel, a stored error or stderr output, an nbval escape hatch, a
chapter missing from the table of contents, or prose quoting a glued number that no cell glues.
"""

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = sorted(BOOK.glob("*.ipynb"))
NBVAL_MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "nbval-ignore-output", "nbval-skip")

# {glue}`name`, {glue:text}`name:.3f`, {glue:any}`other.ipynb::name` ...
GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")
# ```{glue:figure} name   or   :::{glue} name
GLUE_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\{glue(?::[a-z]+)?\}[ \t]+(\S+)", re.MULTILINE)
# glue("name", ...), myst_nb.glue('name', ...)
GLUE_CALL = re.compile(r"\bglue\(\s*(['\"])([^'\"{}]+)\1")


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def glue_references(notebook):
    """Return ``(notebook file or None, name)`` for every glued value the Markdown cells display."""
    refs = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        for target in GLUE_ROLE.findall(text) + GLUE_DIRECTIVE.findall(text):
            other, _, rest = target.rpartition("::")
            refs.append((other or None, rest.split(":", 1)[0].strip()))
    return refs


def glued_names(notebook):
    """Return the names a notebook's code cells glue.

    Literal ``glue("name", ...)`` calls are read from the source; names built at run time
    (``glue(f"{loss}_test", ...)``) are read from the outputs that ``glue`` stored, which carry
    the name in their ``scrapbook`` metadata.
    """
    names = set()
    for cell in code_cells(notebook):
        names.update(name for _, name in GLUE_CALL.findall(source(cell)))
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook", {})
            if "name" in scrap:
                names.add(scrap["name"])
    return names


def toc_files():
    """Return every ``file:`` (and ``root:``) entry of ``_toc.yml``, as paths without suffix."""
    with open(ROOT / "_toc.yml", encoding="utf-8") as handle:
        toc = yaml.safe_load(handle)
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "root") and isinstance(value, str):
                    found.append(str(Path(value).with_suffix("")))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def ids(paths):
    return [path.name for path in paths]


def test_the_book_has_notebooks():
    assert NOTEBOOKS, f"no notebooks found in {BOOK}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_executed_top_to_bottom_in_one_fresh_kernel(path):
    cells = code_cells(load(path))
    assert cells, f"{path.name} has no code cells"
    empty = [i for i, cell in enumerate(cells, 1) if not source(cell).strip()]
    assert not empty, f"{path.name}: code cells {empty} are empty (they get no execution count)"
    counts = [cell.get("execution_count") for cell in cells]
    assert counts == list(range(1, len(cells) + 1)), (
        f"{path.name}: execution counts {counts}; run `make execute NB=book/{path.name}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_stored_errors_or_stderr(path):
    problems = []
    for i, cell in enumerate(code_cells(load(path)), 1):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                problems.append(f"code cell {i}: {output.get('ename')}: {output.get('evalue')}")
            elif output["output_type"] == "stream" and output.get("name") == "stderr":
                problems.append(f"code cell {i}: stderr {source(output)[:200]!r}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_no_nbval_escape_hatches(path):
    text = path.read_text(encoding="utf-8")
    found = [marker for marker in NBVAL_MARKERS if marker.lower() in text.lower()]
    assert not found, f"{path.name} contains {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_listed_in_the_table_of_contents(path):
    entry = str(path.relative_to(ROOT).with_suffix(""))
    assert entry in toc_files(), f"{entry} is not in _toc.yml (which lists {toc_files()})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_every_glue_reference_is_glued(path):
    notebook = load(path)
    missing = []
    for other, name in glue_references(notebook):
        source_path = path if other is None else path.parent / other
        if not source_path.exists():
            missing.append(f"{name} (from {other}, which does not exist)")
        elif name not in glued_names(notebook if other is None else load(source_path)):
            missing.append(name if other is None else f"{other}::{name}")
    assert not missing, f"{path.name} displays glued values that no cell glues: {sorted(set(missing))}"


# ---------------------------------------------------------------- the parsers themselves


def markdown_cell(text):
    return {"cell_type": "markdown", "source": text}


def test_glue_reference_parser():
    notebook = {"cells": [markdown_cell(
        "Test MSE {glue:text}`mse_test:.3f` ± {glue:text}`mse_std:.3f`, {glue}`n_runs`, "
        "{glue:any}`regression.ipynb::mae_test:.3f`.\n"
        "```{glue:figure} curves\n:name: fig\n```\n"
        ":::{glue} table\n:::\n"
    )]}
    assert glue_references(notebook) == [
        (None, "mse_test"), (None, "mse_std"), (None, "n_runs"), ("regression.ipynb", "mae_test"),
        (None, "curves"), (None, "table")]


def test_glued_names_parser():
    notebook = {"cells": [
        {"cell_type": "code", "source": ["glue('a', 1)\n", 'myst_nb.glue("b", 2, display=False)\n',
                                         'glue(f"{loss}_test", 3)\n'],
         "outputs": [{"output_type": "display_data", "data": {},
                      "metadata": {"scrapbook": {"name": "mse_test", "mime_prefix": ""}}}]},
        markdown_cell('glue("not_code", 1)'),
    ]}
    assert glued_names(notebook) == {"a", "b", "mse_test"}


def test_toc_parser_finds_the_notebooks_entries():
    files = toc_files()
    assert files, "_toc.yml lists no files"
    assert all(not f.endswith((".ipynb", ".md")) for f in files)


# ---------------------------------------------------------------- the decision table of choosing.ipynb

LIST_TABLE = re.compile(r"^```\{list-table\}[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
GLUE_TARGET = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")
DOC_LINK = re.compile(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`")
REF_LINK = re.compile(r"\{ref\}`(?:[^`<]*<)?([^`>]+)>?`")


def list_table_rows(text):
    """Return the body rows of every MyST ``list-table`` in ``text``, each a list of cell strings."""
    tables = []
    for body in LIST_TABLE.findall(text):
        rows = []
        for line in body.splitlines():
            if line.startswith("* - "):
                rows.append([line[4:]])
            elif line.startswith("  - ") and rows:
                rows[-1].append(line[4:])
            elif line.startswith("    ") and rows:
                rows[-1][-1] += " " + line.strip()
        tables.append(rows[1:])  # the first row is the header
    return tables


def glued_outputs(notebook):
    """Return ``{name: stored text/plain}`` of every value a notebook glued."""
    found = {}
    for cell in code_cells(notebook):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                data = output.get("data", {})
                found[name] = next((v for k, v in data.items() if k.endswith("text/plain")), "")
    return found


# The decision guide's rows, their links and the glued verdicts they cite are checked by tests/test_guide.py,
# against the data they are rendered from (book/_data/guide.yml); the two-table check that stood here predates it.


CROSS_GLUE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]*\.ipynb::[^`]*)`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cross_document_glue_has_a_format_spec(path):
    """``{glue:text}`other.ipynb::name``` needs a spec: myst-nb splits the key at its last colon first,
    so without one it looks up the key ``other.ipynb:`` and fails the build. Strings take ``:s``."""
    text = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    missing = [target for target in CROSS_GLUE.findall(text) if ":" not in target.rpartition("::")[2]]
    assert not missing, f"cross-document glue without a format spec: {missing}"


def test_list_table_parser():
    text = ("```{list-table} T\n:header-rows: 1\n\n* - a\n  - b\n* - row\n  - {ref}`x` and\n"
            "    {glue:text}`n`\n```\n")
    assert list_table_rows(text) == [[["row", "{ref}`x` and {glue:text}`n`"]]]
    assert DOC_LINK.findall("{doc}`binary <binary>` {doc}`gradients`") == ["binary", "gradients"]


# An interval as the book prints it: "(95% CI -0.003 to +0.002)", "(+0.1 to +0.3)", "[0.2, 0.4]" is not one.
INTERVAL = re.compile(r"\((?:\d+\s?%\s*CI[, ]*)?([-+−×]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s+to\s+([-+−×]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\)")


def stored_texts(notebook):
    """Every text a notebook shows: its stored outputs (streams, text/plain, text/html) and glued strings."""
    for cell in code_cells(notebook):
        for output in cell.get("outputs", []):
            if "text" in output:
                yield source({"source": output["text"]})
            for kind in ("text/plain", "text/html", "text/markdown"):
                if kind in output.get("data", {}):
                    yield source({"source": output["data"][kind]})


def equal_ended_intervals(text):
    return [m.group(0) for m in INTERVAL.finditer(text) if m.group(1).lstrip("+") == m.group(2).lstrip("+")]


def test_equal_ended_interval_finder():
    assert equal_ended_intervals("+0.1 (95% CI +0.1 to +0.1), p < 0.001") == ["(95% CI +0.1 to +0.1)"]
    assert equal_ended_intervals("0.000 (95% CI 0.000 to 0.000)") == ["(95% CI 0.000 to 0.000)"]
    assert equal_ended_intervals("-14 (-14 to -14)") == ["(-14 to -14)"]
    assert equal_ended_intervals("+0.01 (95% CI 0.00 to +0.02) and (+0.004 to +0.020)") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_printed_interval_has_two_equal_ends(path):
    # An interval whose ends print alike hides its width: the digits must come from its standard error.
    found = [hit for text in stored_texts(load(path)) for hit in equal_ended_intervals(text)]
    assert not found, f"intervals with two equal ends in {path.name}: {found[:5]}"
