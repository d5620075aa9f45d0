"""Glued values inside translated paragraphs.

Sphinx's ``Locale`` transform parses each translated message as a small document of its own, whose source ends in
``<translated>``. myst-nb parses that document as plain MyST, without the notebook's renderer, so a ``glue:text``
role inside it finds no glue data and the value is lost ("No key ... found in glue data for this document").

myst-nb's cross-document form of the role, ``/<path of the notebook>::key:format``, reads the glue cache that
myst-nb wrote when it read the notebook instead. This extension gives the ``glue:text`` role a subclass that, in a
translated message only, rewrites a local ``key`` or ``key:format`` to that form for the page being translated.
The value pasted is the one the English page shows; a key the notebook does not glue still fails the build.

The bare ``notebook.ipynb::key`` form without a format is split wrongly by myst-nb 1.4 (at the last colon), so the
rewrite always spells the format out (``s``, the role's default). The role class is myst-nb's: requirements.txt
pins myst-nb to 1.4.x.
"""

from myst_nb.ext.glue.roles import PasteTextRole


class TranslatedPasteTextRole(PasteTextRole):
    """``glue:text`` that, inside a translated message, reads the page's own glue cache by path."""

    def run(self):
        source = str(self.document.get("source", ""))
        if source.endswith("<translated>") and "nb_renderer" not in self.document and "::" not in self.text:
            env = self.document.settings.env
            key, _, fmt = self.text.partition(":")
            self.text = f"/{env.doc2path(env.docname, base=False)}::{key}:{fmt or 's'}"
        return super().run()


def _register(app, config):
    app.add_role_to_domain("glue", "text", TranslatedPasteTextRole(), override=True)


def setup(app):
    app.connect("config-inited", _register)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
