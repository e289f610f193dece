"""A PIN's verifier as daftar chains it (`actor.pin`) is a standard Argon2id
PHC string: the reference implementation (argon2-cffi, over the C library of
the Argon2 authors) accepts the PIN and refuses another, and reads daftar's
cost from it. And no PIN is anywhere in the book."""

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import argon2
import pytest

ROOT = Path(__file__).resolve().parents[2]
DAFTAR = os.environ.get("DAFTAR_BIN", str(ROOT / "target" / "debug" / "daftar"))


def daftar(*args, env=None):
    return subprocess.run([DAFTAR, *args], check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_daftar_pin_verifiers_check_with_the_reference_argon2(tmp_path):
    book = tmp_path / "demo.daftar"
    daftar("demo", "--db", str(book), "--seed", "3")
    org = daftar("orgs", "--db", str(book)).stdout.split()[0]
    daftar("pin", "--db", str(book), "--org", org, "--actor", "asha", env={"DAFTAR_NEW_PIN": "۷۳۱۹۵"})
    with sqlite3.connect(book) as db:
        bodies = [json.loads(bytes(c))["body"] for (c,) in
                  db.execute("SELECT canonical FROM events WHERE kind = 'actor.pin'")]
        raw = b"".join(bytes(r[0]) for r in db.execute("SELECT canonical FROM events"))
    pins = {b["actor"]: b["verifier"] for b in bodies}
    assert set(pins) == {"cc-meena", "asha"}
    hasher = argon2.PasswordHasher()
    for actor, pin, other in (("cc-meena", "2468", "2469"), ("asha", "73195", "۷۳۱۹۶")):
        verifier = pins[actor]
        params = argon2.extract_parameters(verifier)
        assert params.type == argon2.Type.ID and params.memory_cost == 19456 and params.time_cost == 2
        assert hasher.verify(verifier, pin)
        with pytest.raises(argon2.exceptions.VerifyMismatchError):
            hasher.verify(verifier, other)
    assert b"73195" not in raw and "۷۳۱۹۵".encode() not in raw
