"""Check the PDF edition after ``make pdf``: what LaTeX let through and what the reader would miss.

``jupyter-book build -W`` turns Sphinx warnings into errors, but not LaTeX's: an overfull box (a table or a
line running into the margin) and a glyph missing from its font pass with exit code 0. This script reads
the LaTeX log and the PDF's text (``pdftotext``, from poppler-utils) and fails, with one line per problem,
on:

* **a missing glyph**: "Missing character" in the log (``\\tracinglostchars=3`` in ``_config.yml`` already
  makes it a LaTeX error; this catches a build that ran without that setting);
* **an overfull box** wider than ``--max-overfull`` points (a clipped table, a line of code or a long name).
  The default, 8 pt (under 3 mm, about one character of code), lets a formula that sticks out of its table
  cell by a few points pass; a clipped table overflows by tens of points (the old decision tables by 130 to
  350 pt, long code names in narrow columns by 20 to 55 pt);
* **a lost chapter**: a chapter of ``_toc.yml`` whose title is not in the text;
* **a lost glued value**: for each chapter, the numbers that its prose quotes through ``{glue:text}`` (as
  stored, without a format) must appear in the text; at most ``--per-chapter`` of them, the longest first;
* **untypeset mathematics**: the formula text ``KL(𝑝 ‖ 𝑞)`` of the information chapter, which only a typeset
  formula produces (the source writes ``\\mathrm{KL}(p \\,\\|\\, q)``).

Usage::

    python -m tools.pdf_check _build/latex/choosing-loss-functions.pdf   # exit 1 and list what failed

The log is read from the PDF's folder (same name, ``.log``).
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GLUE_ROLE = re.compile(r"\{glue:text\}`([A-Za-z0-9_]+)`")
NUMBER = re.compile(r"^[−-]?\d[\d,]*(\.\d+)?$")
OVERFULL = re.compile(r"^Overfull \\hbox \(([\d.]+)pt too wide\) (.*)$")
FORMULA = "KL(𝑝 ‖ 𝑞)"


def overfull_boxes(log_text, max_points):
    """Return ``(points, where)`` for every overfull box in a LaTeX log wider than ``max_points``."""
    found = []
    for line in log_text.splitlines():
        match = OVERFULL.match(line)
        if match and float(match.group(1)) > max_points:
            found.append((float(match.group(1)), match.group(2)))
    return found


def missing_characters(log_text):
    """Return the log's "Missing character" lines, one per missing glyph."""
    return [line for line in log_text.splitlines() if "Missing character" in line]


def chapters(root=ROOT):
    """The notebook and Markdown files of ``_toc.yml``, in order (root first)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    paths = []
    for name in files:
        for suffix in (".ipynb", ".md"):
            if (root / (name + suffix)).exists():
                paths.append(root / (name + suffix))
                break
    return paths


def title(path):
    """The first ``# `` heading of a notebook or Markdown page."""
    if path.suffix == ".ipynb":
        sources = ["".join(cell["source"]) for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                   if cell["cell_type"] == "markdown"]
    else:
        sources = [path.read_text(encoding="utf-8")]
    for source in sources:
        for line in source.splitlines():
            if line.startswith("# "):
                return line[2:].strip().replace("`", "")  # inline code loses its backticks in print
    raise ValueError(f"{path.name} has no '# ' title")


def glued_numbers(path):
    """The numbers a notebook's prose quotes through ``{glue:text}`key``` (no format), as stored."""
    if path.suffix != ".ipynb":
        return []
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    stored = {}
    for cell in cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get("application/papermill.record/text/plain")
            if name and isinstance(text, str):
                stored[name] = text.strip("'\"")
    quoted = []
    for cell in cells:
        if cell["cell_type"] == "markdown":
            quoted += GLUE_ROLE.findall("".join(cell["source"]))
    numbers = {stored[key] for key in quoted if key in stored and NUMBER.match(stored[key])}
    return sorted(numbers, key=lambda value: (-len(value), value))


def normalise(text):
    """One space for any run of white space; hyphenation at line ends undone; '-' for the minus sign."""
    text = re.sub(r"-\n\s*", "", text)
    return re.sub(r"\s+", " ", text).replace("−", "-")


def check(pdf, root=ROOT, max_overfull=8.0, per_chapter=3):
    """Return the list of problems found in ``pdf`` and its log; empty when the PDF passes."""
    problems = []
    log = pdf.with_suffix(".log")
    log_text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    if not log_text:
        problems.append(f"no LaTeX log next to {pdf.name}")
    problems += [f"missing glyph: {line.strip()}" for line in missing_characters(log_text)]
    problems += [f"overfull box of {points:g} pt (over {max_overfull:g} pt) {where}"
                 for points, where in overfull_boxes(log_text, max_overfull)]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = normalise(text)
    if FORMULA not in text:
        problems.append(f"the formula text {FORMULA} is missing: mathematics not typeset?")
    for path in chapters(root):
        heading = normalise(title(path))
        if heading not in flat:
            problems.append(f"{path.name}: title {heading!r} not found")
        for value in glued_numbers(path)[:per_chapter]:
            if not re.search(rf"(?<![\d.]){re.escape(normalise(value))}(?![\d])", flat):
                problems.append(f"{path.name}: glued value {value!r} not found")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf", type=Path, help="the PDF that `make pdf` built")
    parser.add_argument("--max-overfull", type=float, default=8.0, metavar="PT",
                        help="widest overfull box allowed, in points (default 8)")
    parser.add_argument("--per-chapter", type=int, default=3, metavar="N",
                        help="glued values checked per chapter (default 3)")
    args = parser.parse_args(argv)
    if not args.pdf.exists():
        parser.error(f"{args.pdf} does not exist: run `make pdf` first")
    problems = check(args.pdf, max_overfull=args.max_overfull, per_chapter=args.per_chapter)
    for problem in problems:
        print(problem)
    pages = subprocess.run(["pdfinfo", str(args.pdf)], capture_output=True, text=True).stdout
    count = re.search(r"Pages:\s+(\d+)", pages)
    print(f"{args.pdf.name}: {count.group(1) if count else '?'} pages, {args.pdf.stat().st_size / 1e6:.1f} MB, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
