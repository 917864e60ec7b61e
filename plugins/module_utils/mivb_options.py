# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One declaration per controller option, and what is derived from it.

An `Option` row holds everything the toolkit knows about one parameter: type, choices,
limits, sub-options, the control it implements, how the form engine compares it, no_log,
default and description. From the rows (declared per module in mivb_specs) come:

- `argument_spec()`: the AnsibleModule keyword set the module files and the action plugins use;
- `fields()`: the form engine's Field tuple (mivb_forms) of a FormBackend;
- `check()`: the declared limits, checked before any request (InputError naming the field
  and the allowed values); the backends add only the rules a row cannot state;
- `documentation()`: the `options:` section of the module's DOCUMENTATION, written into the
  module file by scripts/gen_module_docs.py (`--check` in `make lint`), because ansible-doc
  and validate-modules read DOCUMENTATION as a literal.

tests/unit/plugins/test_mivb_options.py fails when ansible-doc or the mivb_hardening role's
meta/argument_specs.yml disagree with a row. A plan step without a module (mivb_step_*) can
declare its parameters as rows too and call check() in its build() and fields() for its form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_errors import InputError
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_forms import Field
from ansible_collections.voicesec.mivb.plugins.module_utils.mivb_validation import check_choice, check_int_range


@dataclass(frozen=True)
class Option:
    """One option. `kind` is the form engine's comparison (scalar, secret, partial_dict,
    unordered_list); None when the option is not a field of the controller form (a parameter
    of the check, such as passcode_min_length). `description` is written without the control
    ID and the limits: the docs add both from the row."""

    name: str
    type: str
    description: tuple[str, ...]
    control: str | None = None
    kind: str | None = "scalar"
    choices: tuple[str, ...] | None = None
    elements: str | None = None
    low: int | None = None
    high: int | None = None
    max_length: int | None = None
    suboptions: tuple[Option, ...] = ()
    no_log: bool | None = None
    default: Any = None
    required: bool = False

    def limits(self) -> str | None:
        """The declared limits as the docs (and the role's descriptions) state them."""
        if self.low is not None:
            return f"{self.low}-{self.high}" if self.high is not None else f">= {self.low}"
        if self.max_length is not None:
            return f"at most {self.max_length} characters"
        return None


def _stated(opt: Option) -> dict[str, Any]:
    """What an argument spec and DOCUMENTATION state alike."""
    entry: dict[str, Any] = {"type": opt.type}
    if opt.required:
        entry["required"] = True
    if opt.default is not None:
        entry["default"] = opt.default
    if opt.choices:
        entry["choices"] = list(opt.choices)
    if opt.elements:
        entry["elements"] = opt.elements
    return entry


def argument_spec(options: Iterable[Option]) -> dict[str, dict[str, Any]]:
    """The AnsibleModule argument_spec of the rows (sub-options become `options`)."""
    spec: dict[str, dict[str, Any]] = {}
    for opt in options:
        entry = _stated(opt)
        if opt.no_log is not None:
            entry["no_log"] = opt.no_log
        if opt.suboptions:
            entry["options"] = argument_spec(opt.suboptions)
        spec[opt.name] = entry
    return spec


def documentation(options: Iterable[Option]) -> dict[str, dict[str, Any]]:
    """The DOCUMENTATION `options` of the rows, as ansible-doc shows them."""
    doc: dict[str, dict[str, Any]] = {}
    for opt in options:
        lines = list(opt.description)
        if opt.control:
            lines[0] = f"{opt.control} {lines[0]}"
        if opt.low is not None:
            lines.append(f"Range {opt.limits()}, checked before any request.")
        elif opt.max_length is not None:
            lines.append(f"At most {opt.max_length} characters, checked before any request.")
        entry = {"description": lines, **_stated(opt)}
        if opt.suboptions:
            entry["suboptions"] = documentation(opt.suboptions)
        doc[opt.name] = entry
    return doc


def fields(options: Iterable[Option]) -> tuple[Field, ...]:
    """The form fields of the rows, for a mivb_forms.FormBackend."""
    return tuple(Field(o.name, o.control or "", o.kind) for o in options if o.kind is not None)


def check(options: Iterable[Option], params: Mapping[str, Any]) -> dict[str, Any]:
    """Every row's value checked against its declared limits; unset values are None and
    unset sub-options are dropped (AnsibleModule fills declared sub-options with None)."""
    return {o.name: None if params.get(o.name) is None else _check(o.name, o, params[o.name]) for o in options}


def _check(field: str, opt: Option, value: Any) -> Any:
    if opt.type == "int" and opt.low is not None:
        return check_int_range(field, value, opt.low, opt.high)
    if opt.type == "str" and opt.choices:
        return check_choice(field, value, opt.choices)
    if opt.type == "str" and opt.max_length is not None and len(str(value)) > opt.max_length:
        raise InputError(f"{field}: longer than {opt.max_length} characters; nothing was changed",
                         field=field, allowed=opt.limits())
    if opt.type == "list" and opt.choices:
        if not isinstance(value, list):
            raise InputError(f"{field}: must be a list", field=field)
        unknown = [str(item) for item in value if item not in opt.choices]
        if unknown:
            raise InputError(f"{field}: {', '.join(unknown)} not allowed (allowed: {', '.join(opt.choices)}); "
                             "nothing was changed", field=field, allowed=list(opt.choices))
        return list(value)
    if opt.type == "dict" and opt.suboptions:
        return _check_dict(field, opt, value)
    return value


def _check_dict(field: str, opt: Option, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{field}: must be a mapping with the keys {', '.join(s.name for s in opt.suboptions)}",
                         field=field)
    subs = {s.name: s for s in opt.suboptions}
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key not in subs:
            raise InputError(f"{field}: key '{key}' is not allowed (allowed: {', '.join(subs)}); nothing was changed",
                             field=f"{field}.{key}", allowed=list(subs))
        if item is not None:
            out[key] = _check(f"{field}.{key}", subs[key], item)
    for sub in opt.suboptions:
        if sub.required and out.get(sub.name) is None:
            raise InputError(f"{field}.{sub.name}: required; nothing was changed", field=f"{field}.{sub.name}")
    return out
