#!/usr/bin/env python3
"""Write the `options:` section of the controller modules' DOCUMENTATION from their option
rows (plugins/module_utils/mivb_specs.py), the one declaration of each option.

ansible-doc and ansible-test validate-modules read DOCUMENTATION as a string literal in the
module file, so the section is generated into the file rather than built at import time.

    python scripts/gen_module_docs.py           # (re)write the options of every module
    python scripts/gen_module_docs.py --check   # exit 1 if a module's options are stale (make lint)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODULES = ROOT / "plugins" / "modules"
HEADER = "# Generated from plugins/module_utils/mivb_specs.py by scripts/gen_module_docs.py: edit the rows there."


def load_specs() -> Any:
    """mivb_specs through Ansible's collection loader, from the committed collections/ link."""
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    _AnsibleCollectionFinder(paths=[str(ROOT / "collections")])._install()
    from ansible_collections.voicesec.mivb.plugins.module_utils import mivb_specs

    return mivb_specs


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as the hand-written docs are."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


class _Flow(list):
    """A short list (choices) written inline: [High, Low, Legacy]."""


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


def _inline_choices(doc: dict[str, Any]) -> dict[str, Any]:
    for entry in doc.values():
        if "choices" in entry:
            entry["choices"] = _Flow(entry["choices"])
        _inline_choices(entry.get("suboptions", {}))
    return doc


def render(rows: tuple[Any, ...]) -> str:
    """The `options:` block (with its header comment) for one module's rows."""
    from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_options import documentation

    if not rows:
        return f"{HEADER}\noptions: {{}}\n"
    body = yaml.dump({"options": _inline_choices(documentation(rows))}, Dumper=_Dumper, sort_keys=False,
                     default_flow_style=False, width=100, allow_unicode=True)
    return f"{HEADER}\n{body}"


# The header comment (if any), `options:` at column 0 and everything up to the next top-level key.
_OPTIONS = re.compile(r"^(?:# Generated from .*\n)?options:.*\n(?:(?:[ \t].*)?\n)*?(?=\S)", re.MULTILINE)


def regenerate(text: str, rows: tuple[Any, ...]) -> str:
    start = text.index('DOCUMENTATION = r"""')
    end = text.index('"""', start + len('DOCUMENTATION = r"""'))
    doc = text[start:end]
    new_doc, count = _OPTIONS.subn(lambda _: render(rows), doc, count=1)
    if count != 1:
        raise SystemExit(f"no top-level 'options:' in the DOCUMENTATION of a module ({count} found)")
    return text[:start] + new_doc + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if a module file is stale")
    args = parser.parse_args(argv)
    stale = []
    for name, rows in load_specs().MODULE_OPTIONS.items():
        path = MODULES / f"{name}.py"
        text = path.read_text(encoding="utf-8")
        new = regenerate(text, rows)
        if new == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.write_text(new, encoding="utf-8")
    if args.check and stale:
        print("stale DOCUMENTATION options (run: python scripts/gen_module_docs.py): "
              + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
