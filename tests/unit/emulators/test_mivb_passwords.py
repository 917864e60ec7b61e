"""The emulator's secret checks: PBKDF2 verdicts, remembered per process without the secret."""

from __future__ import annotations

import hashlib

from emulators.mivb import passwords


def test_verdicts_are_right_both_ways_and_repeat_identically():
    stored = passwords.hash_secret("Right-Secret-2026!")
    for _ in range(3):  # the second and third checks are answered from memory: same verdicts
        assert passwords.check_secret("Right-Secret-2026!", stored) is True
        assert passwords.check_secret("Wrong-Secret-2026!", stored) is False
        assert passwords.check_secret("", stored) is False
    assert passwords.check_secret("Right-Secret-2026!", passwords.hash_secret("Other-Secret-2026!")) is False
    assert passwords.check_secret("Right-Secret-2026!", None) is False
    assert passwords.check_secret("Right-Secret-2026!", "not-a-hash") is False


def test_remembered_verdicts_never_hold_the_secret_in_clear():
    secret = "Never-Kept-In-Clear-77"
    stored = passwords.hash_secret(secret)
    assert passwords.check_secret(secret, stored)
    keys = [key for key in passwords._VERDICTS if key[0] == stored]
    assert keys == [(stored, hashlib.sha256(secret.encode()).digest())]
    assert all(secret not in repr(key) and secret.encode() not in key[1] for key in passwords._VERDICTS)


def test_a_new_hash_of_the_same_secret_is_checked_afresh():
    """A password change stores a new salted hash: its first check runs PBKDF2 again."""
    first, second = passwords.hash_secret("Same-Secret-2026!"), passwords.hash_secret("Same-Secret-2026!")
    assert first != second
    assert passwords.check_secret("Same-Secret-2026!", first)
    assert (second, hashlib.sha256(b"Same-Secret-2026!").digest()) not in passwords._VERDICTS
    assert passwords.check_secret("Same-Secret-2026!", second)
