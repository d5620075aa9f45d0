"""The decision guide of ``book/choosing.ipynb``, rendered from its data, ``book/_data/guide.yml``.

The guide's rows are data: each names what to use, what it estimates, how to judge it, and the glued
results it rests on (notebook, glue key, the verdicts that agree with the row). This module turns them into
the guide's Markdown cells, and reads the stored glue outputs that ``tests/test_guide.py`` checks the rows
against::

    python -m tools.guide            # print the rendered cells
    python -m tools.guide --write    # write them into book/choosing.ipynb (the cells with ids "guide-...")
    python -m tools.guide --check    # each cited verdict, and whether it agrees with its row

Edit ``book/_data/guide.yml``, never the generated cells: the test fails when they differ.
"""
import argparse
import ast
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "book" / "_data" / "guide.yml"
NOTEBOOK = ROOT / "book" / "choosing.ipynb"
HOME = "choosing.ipynb"  # the guide's own notebook: its glue keys are cited without a prefix
TAGS = ("measured", "stated", "external", "not measured")
VERDICTS = ("better by less than", "worse by less than", "better", "worse", "equivalent", "not determined")


def load(path=DATA):
    """The guide's data: a dict with the lists ``lookup``, ``complications`` and ``reverse``."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def evidence_items(data):
    """Every evidence item of the lookup and complication rows, as ``(row id, item)`` pairs."""
    items = [(row["id"], item) for part in ("lookup", "complications") for row in data[part]
             for item in row["evidence"]]
    return items + [(row["metric"], item) for row in data["reverse"] for item in row.get("evidence", [])]


# --- reading the stored results -------------------------------------------------------------------------
def stored_glue(notebook):
    """The glued values stored in ``book/<notebook>``: key -> Python value (strings for formatted results)."""
    cells = json.loads((ROOT / "book" / notebook).read_text(encoding="utf-8"))["cells"]
    values = {}
    for cell in cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name is None:
                continue
            data = output.get("data", {})
            text = data.get("application/papermill.record/text/plain", data.get("text/plain", ""))
            try:
                values[name] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[name] = text
    return values


def verdict_of(text):
    """The verdict word of a glued ``FamilyResult.text`` line, one of ``VERDICTS``, or None.

    >>> verdict_of("better, by less than 0.01: -0.002 (95% CI -0.003 to -0.001), Holm p < 0.05")
    'better by less than'
    >>> verdict_of("equivalent within ±0.01 (paired 95% CI inside [-0.01, +0.01], 48 replicates)")
    'equivalent'
    >>> verdict_of("0.82") is None
    True
    """
    head = re.split(r"[:(]", str(text), maxsplit=1)[0].strip().replace(",", "")
    for verdict in VERDICTS:
        if head.startswith(verdict):
            return verdict
    return None


def sign_of(text):
    """The sign of the difference a glued result reports: '+', '-' or '0' (None if it reports none).

    Reads the point estimate after the verdict (``better: -0.09 (...)``), else an interval printed as
    ``inside [a, b]`` (the sign both ends share, '0' if it holds zero), else a ratio ``×r`` (against 1).

    >>> sign_of("better: -0.09 (95% CI -0.09 to -0.08), Holm p < 0.05, 20 replicates")
    '-'
    >>> sign_of("better: 95% CI inside [-0.02, 0], Holm p < 0.001, 40 replicates")
    '-'
    >>> sign_of("not determined by this experiment: ×1.1 (unadjusted 95% CI ×0.9 to ×1.3)")
    '+'
    """
    body = str(text).split(":", 1)[-1].strip().replace("−", "-")
    interval = re.match(r"95% CI inside \[([+-]?[\d.]+), ([+-]?[\d.]+)\]", body)
    if interval:
        low, high = (float(v) for v in interval.groups())
        return "+" if low >= 0 and high > 0 else "-" if high <= 0 and low < 0 else "0"
    number = re.match(r"([+-]?\d+(?:\.\d+)?)(?![\d.%])", body)
    if number:
        value = float(number.group(1))
        return "+" if value > 0 else "-" if value < 0 else "0"
    ratio = re.match(r"×(\d+(?:\.\d+)?)", body)
    if ratio:
        value = float(ratio.group(1))
        return "+" if value > 1 else "-" if value < 1 else "0"
    return None


def check(data=None):
    """Every cited result against its row: a list of ``(row, notebook::key, problem or None)``."""
    data = load() if data is None else data
    cache, report = {}, []
    for row, item in evidence_items(data):
        if "key" not in item:
            continue
        notebook, key = item["notebook"], item["key"]
        values = cache.setdefault(notebook, stored_glue(notebook))
        where, problem = f"{notebook}::{key}", None
        if key not in values:
            problem = "no such glue key in the stored outputs"
        elif "verdict" in item and verdict_of(values[key]) not in item["verdict"]:
            problem = f"verdict {verdict_of(values[key])!r}, the row needs one of {item['verdict']}: {values[key]}"
        elif "sign" in item and sign_of(values[key]) != item["sign"]:
            problem = f"difference of sign {sign_of(values[key])!r}, the row needs {item['sign']!r}: {values[key]}"
        report.append((row, where, problem))
    return report


# --- rendering --------------------------------------------------------------------------------------------
def _link(item):
    kind, target = item["link"].split(":", 1)
    return f"{{{kind}}}`{item['tag']} <{target}>`"


def _glue(item):
    if item["notebook"] == HOME:
        return f"{{glue:text}}`{item['key']}`"
    return f"{{glue:text}}`{item['notebook']}::{item['key']}:s`"


def _reverse_links(row, rows):
    """The evidence of a reverse-lookup row: its own items' tags, else the first item of each row it names."""
    items = row.get("evidence") or [rows[name]["evidence"][0] for name in row["rows"]]
    return ", ".join(_link(item) for item in items) or "not measured"


def evidence_cell(items):
    """One evidence cell: per item its tag (a link to the measurement), what it compares, the glued result."""
    parts = []
    for item in items:
        text = f"{_link(item)}: {item['what']}"
        if "key" in item:
            text += f", {_glue(item)}"
        parts.append(text)
    return "; ".join(parts)


def list_table(title, header, rows, widths):
    lines = [f"```{{list-table}} {title}", ":header-rows: 1", f":widths: {' '.join(map(str, widths))}", ""]
    for cells in [header, *rows]:
        lines.append(f"* - {cells[0]}")
        lines.extend(f"  - {cell}" for cell in cells[1:])
    lines.append("```")
    return "\n".join(lines)


def render(data=None):
    """The guide's generated cells: cell id -> Markdown source."""
    data = load() if data is None else data
    rows = {row["id"]: row for part in ("lookup", "complications") for row in data[part]}
    lookup = data["lookup"]
    cells = {
        "guide-lookup-use": list_table(
            "What to use", ["you must predict", "output layer", "Keras loss", "PyTorch loss (`torch.nn`)"],
            [[r["predict"], r["output"], r["keras"], r["pytorch"]] for r in lookup], [19, 19, 34, 28]),
        "guide-lookup-why": list_table(
            "What it estimates and how to judge it",
            ["you must predict", "it estimates", "judge by", "then decide"],
            [[r["predict"], r["estimates"], r["judge"], r["decide"]] for r in lookup], [28, 26, 23, 23]),
        "guide-lookup-evidence": list_table(
            "The evidence behind each row", ["you must predict", "evidence"],
            [[r["predict"], evidence_cell(r["evidence"])] for r in lookup], [25, 75]),
        "guide-complications": list_table(
            "Complications that combine with any row", ["complication", "what to change"],
            [[r["complication"], r["change"]] for r in data["complications"]], [25, 75]),
        "guide-complications-evidence": list_table(
            "The evidence behind each complication", ["complication", "evidence"],
            [[r["complication"], evidence_cell(r["evidence"])] for r in data["complications"]], [25, 75]),
        "guide-reverse": list_table(
            "Judged by metric M: train with L, then decide with D",
            ["judged by", "Keras loss", "PyTorch loss (`torch.nn`)", "then decide (evidence)"],
            [[r["metric"], r["keras"], r["pytorch"],
              f"{r['decide']} ({_reverse_links(r, rows)})"]
             for r in data["reverse"]], [12, 34, 27, 27]),
    }
    return cells


def write(path=NOTEBOOK):
    """Write the rendered cells into the notebook's cells with the same ids (which must exist)."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    cells = render()
    found = {cell.get("id") for cell in notebook.cells}
    missing = sorted(set(cells) - found)
    if missing:
        raise ValueError(f"{path} has no cells with the ids {missing}; add them where the tables belong")
    for cell in notebook.cells:
        if cell.get("id") in cells:
            cell.source = cells[cell["id"]]
    nbformat.write(notebook, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the cells into book/choosing.ipynb")
    parser.add_argument("--check", action="store_true", help="check every cited verdict against its row")
    args = parser.parse_args(argv)
    if args.write:
        write()
    elif args.check:
        failures = 0
        for row, where, problem in check():
            failures += problem is not None
            print(f"{'FAIL' if problem else 'ok  '} {row:18} {where}" + (f": {problem}" if problem else ""))
        return 1 if failures else 0
    else:
        for cell_id, source in render().items():
            print(f"--- {cell_id}\n{source}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
