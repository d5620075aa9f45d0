"""Time every chapter under nbval and count the models it trains: the book's execution statistics.

Run it with ``make stats`` (every chapter; rewrites the table the book's page
*Execution statistics* shows) or ``python -m benchmarks.execution_stats book/x.ipynb``
(one chapter, checked against the budget, nothing written).

Each chapter runs alone, one after another, in one pytest process without workers:
``pytest --nbval book/x.ipynb`` on one core, that is with TensorFlow limited to one
thread, as each of ``make test``'s workers is (one per core). A chapter's time is
then what it adds to the book's nbval run on one core, kernel start-up included;
``make test`` on the 2-core machine runs two chapters at a time. The models a chapter trains are counted in its kernel by
:func:`companion.training.models_trained` (written at kernel exit, see
``config/ipython/profile_default/startup/50-execution-stats.py``); a ``model.fit``
call outside companion is not counted.

The budget (:data:`BUDGET_SECONDS`) is the most a chapter may take this way; see
CONTRIBUTING.md, "Time budget", for how it follows from CI's limit.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "book" / "_data" / "execution_stats.md"

#: Seconds of nbval a chapter may take alone on the 2-core CI machine (see CONTRIBUTING.md).
BUDGET_SECONDS = 45

# What `make test` gives each worker (the Makefile's PATH_ENV_default): one TensorFlow thread.
ONE_CORE = {"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", "OMP_NUM_THREADS": "1"}

NBVAL = ["-m", "pytest", "-o", "addopts=", "-p", "no:xdist", "-p", "no:cacheprovider", "-q", "--nbval",
         "--nbval-current-env", "--nbval-cell-timeout=1200", "--nbval-sanitize-with=tests/sanitize.cfg"]


def chapters():
    """Every chapter notebook in the order of ``_toc.yml``."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").exists()]


def title(notebook):
    """The chapter's title: the first Markdown heading of level one, else the file's stem."""
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return Path(notebook).stem


def measure(notebook):
    """Run one notebook under nbval; return its seconds, whether it passed, and its model counts."""
    with tempfile.TemporaryDirectory() as tmp:
        counts_file = Path(tmp) / "counts.json"
        env = dict(os.environ, COMPANION_STATS_FILE=str(counts_file), COMPANION_PROGRESS="0",
                   TF_CPP_MIN_LOG_LEVEL="3", IPYTHONDIR=str(ROOT / "config" / "ipython"), **ONE_CORE)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, *NBVAL, str(notebook)], cwd=ROOT, env=env, capture_output=True,
                              text=True)
        seconds = time.perf_counter() - start
        counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    return dict(chapter=notebook.stem, title=title(notebook), seconds=seconds, passed=proc.returncode == 0,
                models=sum(counts.values()), counts=counts, output=proc.stdout[-2000:])


def machine():
    """One line naming the machine: CPU model, cores, Python, TensorFlow and Keras."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"TensorFlow {version('tensorflow')}, Keras {version('keras')}")


def render(rows, when, where):
    """The Markdown fragment the book includes: the table, its total, the machine and the date."""
    lines = ["| chapter | seconds | models trained | of which side by side |",
             "| --- | ---: | ---: | ---: |"]
    for row in rows:
        name = row.get("title", row["chapter"]).replace("|", "\\|")
        lines.append(f"| [{name}]({row['chapter']}.ipynb) | {row['seconds']:.0f} | {row['models']} | "
                     f"{row['counts'].get('replicates', 0)} |")
    total = sum(r["seconds"] for r in rows)
    lines.append(f"| **all {len(rows)} chapters** | **{total:.0f}** | **{sum(r['models'] for r in rows)}** | "
                 f"**{sum(r['counts'].get('replicates', 0) for r in rows)}** |")
    return ("\n".join(lines) + "\n\n"
            f"Measured on {when} on {where}, each chapter alone on one core (`make stats`). "
            f"The budget of a chapter is {BUDGET_SECONDS} s.\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.execution_stats", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="chapters to measure (default: every chapter)")
    parser.add_argument("--write", action="store_true",
                        help=f"rewrite {TABLE.relative_to(ROOT)} (needs every chapter)")
    args = parser.parse_args(argv)
    notebooks = [n.resolve() for n in args.notebooks] or chapters()
    missing = [str(n) for n in notebooks if not n.exists()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    if args.write and args.notebooks:
        parser.error("--write rewrites the whole table: give no notebooks")

    rows = []
    print(f"{'chapter':<18}{'seconds':>9}{'models':>8}  budget {BUDGET_SECONDS} s")
    for notebook in notebooks:
        row = measure(notebook)
        rows.append(row)
        verdict = "FAILED nbval" if not row["passed"] else (
            "over budget" if row["seconds"] > BUDGET_SECONDS else "ok")
        print(f"{row['chapter']:<18}{row['seconds']:9.1f}{row['models']:8d}  {verdict}", flush=True)
        if not row["passed"]:
            print(row["output"], file=sys.stderr)
    print(f"{'all':<18}{sum(r['seconds'] for r in rows):9.1f}{sum(r['models'] for r in rows):8d}")
    if args.write:
        TABLE.parent.mkdir(exist_ok=True)
        TABLE.write_text(render(rows, datetime.date.today().isoformat(), machine()), encoding="utf-8")
        print(f"wrote {TABLE.relative_to(ROOT)}")
    failed = [r["chapter"] for r in rows if not r["passed"]]
    over = [r["chapter"] for r in rows if r["seconds"] > BUDGET_SECONDS]
    if failed or over:
        print(f"failed nbval: {failed or 'none'}; over budget: {over or 'none'}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
