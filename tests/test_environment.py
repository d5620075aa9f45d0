"""The book's environment is the lock: what ``make`` installs into ``.venv`` is ``requirements.lock``, exactly.

These checks read files only (no kernel, no network). The first runs only inside the project's own
``.venv``: in a reader's environment, where ``companion`` was installed with its ranges, it is skipped.
"""

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def canonical(name):
    """PEP 503 normalised name: ``PyYAML`` and ``pyyaml``, ``scikit_learn`` and ``scikit-learn`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_pins(path=LOCK):
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def test_lock_pins_every_package_with_one_exact_version():
    pins = lock_pins()
    assert len(pins) > 100  # the book's tools and all they depend on, not just the direct requirements
    for name in ("tensorflow", "keras", "numpy", "scikit-learn", "jupyter-book", "nbval", "pip-tools"):
        assert name in pins, name
    assert pins["jupyter-book"].startswith("1."), "jupyter-book 2 ignores _config.yml and _toc.yml"
    text = LOCK.read_text(encoding="utf-8")
    assert not re.search(r"^-e |file://|/work/|--(extra-)?index-url|--find-links", text, re.MULTILINE), \
        "the lock names no local path or index: companion itself is installed with `pip install --no-deps -e .`"


def test_every_range_is_in_the_lock():
    pins = lock_pins()
    for source in (ROOT / "requirements.txt",):
        for line in source.read_text(encoding="utf-8").splitlines():
            name = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", line.strip())
            if name:
                assert canonical(name.group(1)) in pins, f"{name.group(1)} of {source.name} is not locked"


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
                    reason="checks the project's own .venv, which `make` installs from the lock")
def test_venv_is_exactly_the_lock():
    installed = {}
    for dist in metadata.distributions():
        name = canonical(dist.metadata["Name"])
        if name != "companion":
            installed[name] = dist.version
    pins = lock_pins()
    missing = {n: v for n, v in pins.items() if n not in installed}
    extra = {n: v for n, v in installed.items() if n not in pins}
    moved = {n: (pins[n], installed[n]) for n in pins.keys() & installed.keys() if pins[n] != installed[n]}
    assert (missing, extra, moved) == ({}, {}, {}), "run `make venv` (pip-sync) to make .venv equal the lock"
