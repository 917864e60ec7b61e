"""How secrets look in a running config: obfuscated the way each platform shows them.

IOS (with `service password-encryption`, as in our factory config) shows RADIUS keys as
`key 7 <type-7 text>`; AOS-CX shows `key ciphertext <base64>`; ArubaOS-Switch keeps
`encrypted-key "<base64>"` (shown only with include-credentials and encrypt-credentials). Both are reversible
obfuscations, exactly as on the real devices; login secrets are shown as one-way hashes.
"""

from __future__ import annotations

import base64
import hashlib

_XLAT = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"


def type7_encode(plain: str, seed: int = 2) -> str:
    out = [f"{seed:02d}"]
    for i, ch in enumerate(plain):
        out.append(f"{ord(ch) ^ ord(_XLAT[(seed + i) % len(_XLAT)]):02X}")
    return "".join(out)


def type7_decode(encoded: str) -> str | None:
    if len(encoded) < 4 or len(encoded) % 2 or not encoded[:2].isdigit():
        return None
    seed = int(encoded[:2])
    try:
        raw = bytes.fromhex(encoded[2:])
    except ValueError:
        return None
    return "".join(chr(b ^ ord(_XLAT[(seed + i) % len(_XLAT)])) for i, b in enumerate(raw))


_CX_PAD = hashlib.sha256(b"aoscx-emulator").digest()


def cx_encrypt(plain: str) -> str:
    data = plain.encode()
    mixed = bytes(b ^ _CX_PAD[i % len(_CX_PAD)] for i, b in enumerate(data))
    return "AQBapa" + base64.b64encode(mixed).decode()


def cx_decrypt(cipher: str) -> str | None:
    if not cipher.startswith("AQBapa"):
        return None
    try:
        mixed = base64.b64decode(cipher[6:], validate=True)
    except ValueError:
        return None
    return bytes(b ^ _CX_PAD[i % len(_CX_PAD)] for i, b in enumerate(mixed)).decode(errors="replace")


_AOS_PAD = hashlib.sha256(b"aos-switch-emulator").digest()


def aos_encrypt(plain: str) -> str:
    """ArubaOS-Switch `encrypt-credentials`: the switch encrypts keys (AES) with its own key;
    here a reversible stand-in that never shows the clear text."""
    data = plain.encode()
    return base64.b64encode(bytes(b ^ _AOS_PAD[i % len(_AOS_PAD)] for i, b in enumerate(data))).decode()


def aos_decrypt(text: str) -> str:
    """ValueError when `text` is not one of aos_encrypt's values."""
    data = base64.b64decode(text, validate=True)
    return bytes(b ^ _AOS_PAD[i % len(_AOS_PAD)] for i, b in enumerate(data)).decode()


def type9_hash(secret: str, salt_source: str) -> str:
    """A stable one-way hash shaped like IOS type 9 (`$9$salt$hash`)."""
    alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    salt_raw = hashlib.sha256(salt_source.encode()).digest()
    salt = "".join(alphabet[b % 64] for b in salt_raw[:14])
    digest = hashlib.sha256((salt + secret).encode()).digest()
    digest += hashlib.sha256(digest).digest()
    return f"$9${salt}${''.join(alphabet[b % 64] for b in digest[:43])}"
