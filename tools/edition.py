"""Write the Jupyter Book configuration of another language's edition: ``python -m tools.edition zh_CN OUT``.

The edition is built from the same notebooks and stored outputs as the English one (``make book-zh``). Its
configuration is ``_config.yml`` with the language set, the title translated, and the local extensions' paths made
absolute (Jupyter Book resolves them against the configuration file's folder, which is now ``OUT``'s).
"""

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TITLES = {"zh_CN": "如何选择损失函数"}


def edition_config(language, config=None):
    """The configuration dict of the ``language`` edition, from the English ``_config.yml`` (or ``config``)."""
    if language not in TITLES:
        raise ValueError(f"no edition for language {language!r}; known: {', '.join(TITLES)}")
    config = yaml.safe_load((ROOT / "_config.yml").read_text()) if config is None else config
    sphinx = config.setdefault("sphinx", {})
    sphinx["local_extensions"] = {name: str((ROOT / path).resolve())
                                  for name, path in sphinx.get("local_extensions", {}).items()}
    sphinx.setdefault("config", {})["language"] = language
    config["title"] = TITLES[language]
    return config


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.edition", description=__doc__.split("\n")[0])
    parser.add_argument("language", choices=sorted(TITLES))
    parser.add_argument("out", type=Path, help="the configuration file to write")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(yaml.safe_dump(edition_config(args.language), allow_unicode=True, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
