"""The install cell that lets a chapter run outside the repository (``tools/install_cell.py``).

Every chapter starts with the same cell. Where ``companion`` and ``myst_nb`` are importable (``make test``,
``make execute``), it does nothing and prints nothing. Where they are not (Colab, Binder, a notebook
downloaded alone), it installs them. The last test proves that path offline: one chapter copied alone
into an empty folder, a fresh virtual environment with the locked third-party packages only, and the
cell pointed at a wheel built from this checkout; nbval then compares every output with the stored one.
"""

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tools import install_cell

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
LONE = "information.ipynb"


def test_every_chapter_starts_with_the_same_install_cell():
    assert install_cell.chapters(), "no chapter found"
    assert install_cell.differing() == []


def test_install_cell_installs_from_the_one_setting(tmp_path):
    # Another repository URL in _config.yml (and another version) changes the cell, and only through them.
    (tmp_path / "companion").mkdir()
    (tmp_path / "companion" / "__init__.py").write_text('"""x"""\n__version__ = "9.8.7"\n')
    config = (ROOT / "_config.yml").read_text().replace(
        "https://github.com/choosing-loss-functions/choosing-loss-functions", "https://example.org/me/book")
    (tmp_path / "_config.yml").write_text(config)
    assert install_cell.archive_url(tmp_path) == "https://example.org/me/book/archive/refs/tags/v9.8.7.zip"
    assert "https://example.org/me/book/archive/refs/tags/v9.8.7.zip" in install_cell.cell_source(tmp_path)
    assert install_cell.cell_source(tmp_path) != install_cell.cell_source(ROOT)


def test_install_cell_is_hidden_on_the_website_and_has_no_output():
    for path in install_cell.chapters():
        cell = install_cell.first_code_cell(json.loads(path.read_text(encoding="utf-8")))
        assert cell["outputs"] == [], path.name
        assert "remove-cell" in cell["metadata"].get("tags", []), path.name


def test_a_lone_chapter_runs_through_its_install_cell_in_a_fresh_venv(tmp_path):
    wheels = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(wheels), str(ROOT)], check=True,
                   capture_output=True, text=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    (wheel,) = wheels.glob("choosing_loss_functions-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_CONSTRAINT": str(LOCK),
           "COMPANION_SOURCE": wheel.as_uri(), "IPYTHONDIR": str(ROOT / "config" / "ipython"),
           "TF_CPP_MIN_LOG_LEVEL": "3", "COMPANION_PROGRESS": "0"}
    env.pop("PYTHONPATH", None)
    # Only the tools that run a notebook, at their locked versions: no companion, no myst-nb yet.
    setup = subprocess.run([python, "-m", "pip", "install", "--quiet", "nbval", "pytest", "ipykernel"],
                           capture_output=True, text=True, env=env, timeout=900)
    assert setup.returncode == 0, setup.stderr[-2000:]
    missing = subprocess.run([python, "-c", "import importlib.util as u; "
                              "print([u.find_spec(m) is None for m in ('companion', 'myst_nb')])"],
                             capture_output=True, text=True, env=env, cwd=tmp_path)
    assert missing.stdout.strip() == "[True, True]"

    lone = tmp_path / "alone"
    lone.mkdir()
    shutil.copy(ROOT / "book" / LONE, lone / LONE)
    shutil.copy(ROOT / "tests" / "sanitize.cfg", tmp_path / "sanitize.cfg")
    ran = subprocess.run([python, "-m", "pytest", "--nbval", "--nbval-current-env", str(lone / LONE),
                          "--nbval-sanitize-with", str(tmp_path / "sanitize.cfg"), "-p", "no:cacheprovider",
                          "-q", "-o", "addopts=", "--rootdir", str(tmp_path)],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1800)
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert " passed" in ran.stdout and "failed" not in ran.stdout
    installed = subprocess.run([python, "-c", "import companion; print(companion.__file__)"],
                               capture_output=True, text=True, env=env, cwd=tmp_path)
    assert str(env_dir) in installed.stdout
