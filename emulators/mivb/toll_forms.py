"""Call-control forms of the guideline's "Dual Port Phones" and "Prevention of Toll Abuse"
sections: Class of Service Options, Class of Restriction and Interconnect Restriction.

Names follow the MiVB 9.4 Security Guidelines (seed/mivb-9.4-security-guidelines.txt):
- *Class of Service Options*: the CoS option that disables the second (PC) Ethernet port of
  dual-port phones, "PC-Port on IP Device - Disable"; the guideline says the default is that
  every second Ethernet port is enabled (option No). MiVB allows up to 96 classes of service;
  a CoS is a numbered row with its Comment. The factory rows below are the emulator's sample
  database (the guideline names no factory classes): a PATCH may only change programmed rows,
  a new row (1-96) needs its `comment` (the SAT "Add").
- *Class of Restriction*: "Up to 64 different Classes of Restriction can be specified", each
  "providing specific barring plans" (the guideline's words). A CoR row here is a number 1-64
  with a comment and the leading digits it bars; a dialled number is barred when one of them is
  its prefix. A row set to null is removed (the number no longer bars anything). Factory: none.
- *User and Services Configuration*: each user's set (extension) with its Class of Service and
  its Class of Restriction for day and the two night services ("CoR can be set at a time of day
  ... granularity level per user"). Sample sets below (the emulator's); a PATCH changes existing
  sets only (adding a user is not part of this contract).
- *Interconnect Restriction*: "the ability to stop devices and users from being able to call
  other devices and users"; interconnect numbers 1-64, a restriction is an ordered pair
  [from, to] (from may not call to). The PATCH value is the whole list. Factory: none.

A PATCH of a table field is validated as a whole before anything is applied, like every form.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .errors import invalid

MAX_COS = 96
MAX_COR = 64
MAX_INTERCONNECT = 64
MAX_BARRED_DIGITS = 32
PC_PORT = "pc_port_on_ip_device_disable"
_COS_ROW = {"comment", PC_PORT}
_COR_ROW = {"comment", "barred_digits"}

FACTORY_COS = {
    "1": {"comment": "Default", PC_PORT: False},
    "2": {"comment": "Attendant", PC_PORT: False},
    "3": {"comment": "Trunks", PC_PORT: False},
    "4": {"comment": "Voice Mail Ports", PC_PORT: False},
}

SET_FIELDS = {"cos_day": MAX_COS, "cor_day": MAX_COR, "cor_night1": MAX_COR, "cor_night2": MAX_COR}


def _sample_set(description: str) -> dict[str, Any]:
    return {"description": description, **dict.fromkeys(SET_FIELDS, 1)}


FACTORY: dict[str, dict[str, Any]] = {
    "class_of_service_options": {"classes": FACTORY_COS},
    "class_of_restriction": {"classes": {}},
    "user_and_services_configuration": {"sets": {
        "2000": _sample_set("Lobby"), "2001": _sample_set("Reception"),
        "2002": _sample_set("Conference Room"), "2100": _sample_set("Executive"),
    }},
    "interconnect_restriction": {"restrictions": []},
}


def _number(field: str, key: Any, high: int) -> str:
    text = str(key)
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= high:
        raise invalid(field, f"{field}: {key!r} is not a number from 1 to {high}", {"min": 1, "max": high})
    return str(int(text))


def _comment(field: str, value: Any) -> str:
    if not isinstance(value, str) or len(value) > 32:
        raise invalid(field, f"{field} must be a string of at most 32 characters", {"max_length": 32})
    return value


def _rows(field: str, value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict) or not value:
        raise invalid(field, f"{field} must be a non-empty object of number -> row")
    return value


def _cos_classes(field: str, value: Any, current: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(current[field])
    for key, row in _rows(field, value).items():
        num = _number(field, key, MAX_COS)
        where = f"{field}.{num}"
        if not isinstance(row, dict) or not row or set(row) - _COS_ROW:
            raise invalid(where, f"{where} must be an object of {', '.join(sorted(_COS_ROW))}", sorted(_COS_ROW))
        if num not in merged and "comment" not in row:
            raise invalid(where, f"Class of Service {num} is not programmed (programmed: "
                          f"{', '.join(sorted(merged, key=int))}); a new class needs its comment",
                          sorted(merged, key=int))
        out = dict(merged.get(num, {"comment": "", PC_PORT: False}))
        if "comment" in row:
            out["comment"] = _comment(f"{where}.comment", row["comment"])
        if PC_PORT in row:
            if not isinstance(row[PC_PORT], bool):
                raise invalid(f"{where}.{PC_PORT}", f"{where}.{PC_PORT} must be true (Yes) or false (No)",
                              [True, False])
            out[PC_PORT] = row[PC_PORT]
        merged[num] = out
    return merged


def _digits_list(where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_BARRED_DIGITS:
        raise invalid(where, f"{where} must be a list of at most {MAX_BARRED_DIGITS} digit strings",
                      {"pattern": "^[0-9*#]{1,20}$", "max_items": MAX_BARRED_DIGITS})
    for item in value:
        if not isinstance(item, str) or not item or len(item) > 20 or set(item) - set("0123456789*#"):
            raise invalid(where, f"{where}: {item!r} is not 1-20 dialled digits (0-9, *, #)",
                          {"pattern": "^[0-9*#]{1,20}$"})
    if len(set(value)) != len(value):
        raise invalid(where, f"{where} lists the same digits twice")
    return sorted(value)


def _cor_classes(field: str, value: Any, current: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(current[field])
    for key, row in _rows(field, value).items():
        num = _number(field, key, MAX_COR)
        where = f"{field}.{num}"
        if row is None:
            merged.pop(num, None)
            continue
        if not isinstance(row, dict) or set(row) != _COR_ROW:
            raise invalid(where, f"{where} must be null or an object of comment and barred_digits", sorted(_COR_ROW))
        merged[num] = {"comment": _comment(f"{where}.comment", row["comment"]),
                       "barred_digits": _digits_list(f"{where}.barred_digits", row["barred_digits"])}
    if len(merged) > MAX_COR:  # unreachable with numbers 1-64; kept as the guideline's limit
        raise invalid(field, f"at most {MAX_COR} Classes of Restriction", {"max_items": MAX_COR})
    return merged


def _sets(field: str, value: Any, current: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(current[field])
    for ext, row in _rows(field, value).items():
        where = f"{field}.{ext}"
        if ext not in merged:
            raise invalid(where, f"no user with extension {ext!r} (programmed: {', '.join(sorted(merged))})",
                          sorted(merged))
        if not isinstance(row, dict) or not row or set(row) - set(SET_FIELDS):
            raise invalid(where, f"{where} must be an object of {', '.join(SET_FIELDS)}", list(SET_FIELDS))
        for name, number in row.items():
            high = SET_FIELDS[name]
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= high:
                raise invalid(f"{where}.{name}", f"{where}.{name} must be an integer from 1 to {high}",
                              {"min": 1, "max": high})
            merged[ext][name] = number
    return merged


def _restrictions(field: str, value: Any, _: dict[str, Any]) -> list[list[int]]:
    if not isinstance(value, list):
        raise invalid(field, f"{field} must be a list of [from, to] interconnect numbers",
                      {"items": "[from, to]", "min": 1, "max": MAX_INTERCONNECT})
    pairs = set()
    for pair in value:
        ok = isinstance(pair, list) and len(pair) == 2 and all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_INTERCONNECT for n in pair)
        if not ok:
            raise invalid(field, f"{field}: {pair!r} is not a [from, to] pair of interconnect numbers 1-"
                          f"{MAX_INTERCONNECT}", {"items": "[from, to]", "min": 1, "max": MAX_INTERCONNECT})
        pairs.add((pair[0], pair[1]))
    return [list(p) for p in sorted(pairs)]


VALIDATORS: dict[str, dict[str, Callable[[str, Any, dict[str, Any]], Any]]] = {
    "class_of_service_options": {"classes": _cos_classes},
    "class_of_restriction": {"classes": _cor_classes},
    "user_and_services_configuration": {"sets": _sets},
    "interconnect_restriction": {"restrictions": _restrictions},
}


def table_changes(field: str, old: Any, new: Any) -> list[dict[str, Any]]:
    """Audit entries per changed row (a whole 96-row table per entry would bury the change)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return [{"field": field, "old": old, "new": new}]
    keys = sorted(set(old) | set(new), key=lambda k: (len(str(k)), str(k)))
    return [{"field": f"{field}.{k}", "old": old.get(k), "new": new.get(k)} for k in keys if old.get(k) != new.get(k)]
