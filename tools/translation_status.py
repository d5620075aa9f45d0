"""The Chinese edition's catalogues: how much is translated, and whether each translation keeps its markup.

``python -m tools.translation_status`` (``make translation-status``) prints, per page, the messages that are
translated, fuzzy (the English changed since the translation was written: Sphinx shows the English until someone
checks it) and untranslated, then checks every translated message's markup against its English source. A
translation must keep the same roles (glued values, references, citations), inline code, math and link targets as
its source, in whatever order the sentence needs; a difference is printed and the exit code is 1.

``--update POT_DIR`` (``make locale``) merges freshly extracted templates into the catalogues with sphinx-intl.
The reference pages (the API, the execution statistics, the bibliography) are generated from code and data and stay
in English: they get no catalogue.
"""

import argparse
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
LOCALE = ROOT / "locale"
REFERENCE_PAGES = ("book/api", "book/execution_stats", "book/bibliography")

# Markup a translation keeps verbatim. Roles first (their content may hold backticks' neighbours); a role's whole
# text, e.g. {glue:text}`key:.3f` or {ref}`label`, except the title of a titled cross-reference
# ({ref}`the guide <choosing-guide>`: only the target counts); display and inline math; inline code that is not a
# role's content; link targets (the link text is translated, the target is not).
_ROLE = re.compile(r"\{[A-Za-z][\w:.-]*\}`[^`]*`")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
_CODE = re.compile(r"``[^`]+``|`[^`]+`")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?[^)]*\)|<(https?://[^>\s]+)>")


# Cross-reference roles whose text may be translated: only their target must stay ({ref}`措施 <label>`).
_TITLED = re.compile(r"(\{(?:ref|doc|numref|term)\})`[^`<]*<([^`>]+)>`")


def _role_key(role):
    """A role as the check compares it: whole, except a titled cross-reference, which keeps its target only."""
    titled = _TITLED.fullmatch(role)
    return f"{titled.group(1)}`<{titled.group(2)}>`" if titled else role


def markup(text):
    """The markup of one message, as a multiset of its roles, math, inline code and link targets.

    >>> sorted(markup("A {glue:text}`acc:.3f` score, $p$ and `fit()`, see [the guide](choosing.ipynb)").elements())
    ['$p$', '`fit()`', 'link:choosing.ipynb', '{glue:text}`acc:.3f`']
    >>> markup("{ref}`measured <seg-verdict>`") == markup("{ref}`已测量 <seg-verdict>`")
    True
    """
    found = Counter()
    for match in _ROLE.finditer(text):
        found[_role_key(match.group(0))] += 1
    rest = _ROLE.sub(" ", text)
    for match in _LINK.finditer(rest):
        found["link:" + (match.group(1) or match.group(2))] += 1
    rest = _LINK.sub(" ", rest)
    for match in _CODE.finditer(rest):
        found[match.group(0)] += 1
    rest = _CODE.sub(" ", rest)
    for match in _MATH.finditer(rest):
        found[re.sub(r"\s+", " ", match.group(0))] += 1
    return found


def markup_difference(source, translation):
    """What ``translation`` lacks and adds compared with ``source``'s markup: ``(missing, extra)``, lists."""
    a, b = markup(source), markup(translation)
    return sorted((a - b).elements()), sorted((b - a).elements())


def catalogues(locale=LOCALE, language=LANGUAGE):
    """``{page: path of its .po file}``, pages named as in ``_toc.yml`` (``book/information``)."""
    folder = Path(locale) / language / "LC_MESSAGES"
    return {path.relative_to(folder).with_suffix("").as_posix(): path for path in sorted(folder.rglob("*.po"))}


def page_status(path):
    """Counts and markup problems of one catalogue: ``(translated, fuzzy, untranslated, problems)``."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        catalog = read_po(handle)
    translated = fuzzy = untranslated = 0
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy += 1
        elif message.string:
            translated += 1
            missing, extra = markup_difference(message.id, message.string)
            if missing or extra:
                problems.append((message.id, missing, extra))
        else:
            untranslated += 1
    return translated, fuzzy, untranslated, problems


def report(locale=LOCALE, out=sys.stdout):
    """Print the per-page table and every markup problem; return the number of problems."""
    pages = catalogues(locale)
    width = max([len(page) for page in pages] + [4])
    print(f"{'page':<{width}}  translated  fuzzy  untranslated", file=out)
    totals = [0, 0, 0]
    problems = []
    for page, path in pages.items():
        translated, fuzzy, untranslated, page_problems = page_status(path)
        totals = [totals[0] + translated, totals[1] + fuzzy, totals[2] + untranslated]
        problems += [(page, *problem) for problem in page_problems]
        print(f"{page:<{width}}  {translated:>10}  {fuzzy:>5}  {untranslated:>12}", file=out)
    print(f"{'total':<{width}}  {totals[0]:>10}  {totals[1]:>5}  {totals[2]:>12}", file=out)
    for page, source, missing, extra in problems:
        print(f"\n{page}: the translation of {source[:70]!r}... differs in its markup", file=out)
        if missing:
            print(f"  missing: {', '.join(missing)}", file=out)
        if extra:
            print(f"  not in the English: {', '.join(extra)}", file=out)
    return len(problems)


def update(pot_dir, locale=LOCALE, language=LANGUAGE):
    """Merge the templates of ``pot_dir`` (a gettext build) into the catalogues, reference pages left out."""
    from sphinx_intl import basic

    pot_dir = Path(pot_dir)
    with tempfile.TemporaryDirectory() as tmp:
        for pot in pot_dir.rglob("*.pot"):
            page = pot.relative_to(pot_dir).with_suffix("").as_posix()
            if page not in REFERENCE_PAGES:
                target = Path(tmp) / pot.relative_to(pot_dir)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(pot, target)
        basic.update(str(locale), tmp, (language,), line_width=120)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.translation_status", description=__doc__.split("\n")[0])
    parser.add_argument("--update", metavar="POT_DIR", type=Path,
                        help="merge the templates of a gettext build into the catalogues first")
    args = parser.parse_args(argv)
    if args.update is not None:
        if not args.update.is_dir():
            parser.error(f"{args.update} is not a folder of .pot templates (run the gettext build first)")
        update(args.update)
    return 1 if report() else 0


if __name__ == "__main__":
    sys.exit(main())
