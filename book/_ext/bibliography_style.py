"""The bibliography's style: labels that read as authors and years, titles as written.

sphinxcontrib-bibtex formats the list with a pybtex style. Its ``alpha`` labels are initials plus a year
(``[AJastrzkebskiB+17]`` for Arpit, Jastrzębski, Ballas et al.; ``[seea]`` for an entry without an author), and
the ``unsrt`` family lower-cases every title but its first letter ("The source of keras 2's ..."). This extension
registers a pybtex style, ``book``, that is ``unsrt`` with two changes:

* **labels** by author and year: ``Brier 1950``, ``Bartlett and Jordan 2006`` (one or two authors),
  ``Arpit et al. 2017`` (three or more); an entry without an author uses its ``shorthand`` field
  (``Seed 002``), else its key. Labels that would repeat get ``a``, ``b``, … after the year.
* **titles** exactly as ``references.bib`` writes them, so "Keras 2", "API" and "SGD" keep their capitals.

The list is sorted by author, year and title. ``_config.yml`` selects the style with
``bibtex_default_style: book``; the website and the PDF use it alike.
"""

import string

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, sentence


def _last_names(entry):
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    # Text.from_latex turns "{Keras team}" and "Jastrz{\\k{e}}bski" into plain text.
    return [Text.from_latex(" ".join(person.last_names) or " ".join(person.first_names)).render_as("text")
            for person in persons]


def author_year_label(entry):
    """One entry's label before repeats are told apart: ``Brier 1950``, ``Arpit et al. 2017``, ``Seed 002``."""
    names = _last_names(entry)
    year = entry.fields.get("year", "n.d.")
    if not names:
        return entry.fields.get("shorthand", entry.key)
    if len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who} {year}"


class AuthorYearLabelStyle(BaseLabelStyle):
    """Author-year labels, with ``a``, ``b``, … appended where two entries would share one."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year_label(entry) for entry in entries]
        counts = {label: labels.count(label) for label in labels}
        seen = {}
        for label in labels:
            if counts[label] > 1:
                suffix = string.ascii_lowercase[seen.get(label, 0)]
                seen[label] = seen.get(label, 0) + 1
                yield label + suffix
            else:
                yield label


class AuthorYearSortingStyle(BaseSortingStyle):
    """Sorted as the labels read: by author (or shorthand), then year, then title; braces and accents ignored."""

    def sorting_key(self, entry):
        names = _last_names(entry) or [entry.fields.get("shorthand", entry.key)]
        title = Text.from_latex(entry.fields.get("title", "")).render_as("text")
        return (" ".join(names).lower(), entry.fields.get("year", ""), title.lower())


class BookStyle(UnsrtStyle):
    """``unsrt`` with author-year labels, sorted by author, year and title, and titles kept as written."""

    default_label_style = "authoryear"
    default_sorting_style = "authoryear"

    def format_title(self, e, which_field, as_sentence=True):
        formatted = field(which_field)
        return sentence[formatted] if as_sentence else formatted


def setup(app):
    register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabelStyle)
    register_plugin("pybtex.style.sorting", "authoryear", AuthorYearSortingStyle)
    register_plugin("pybtex.style.formatting", "book", BookStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
