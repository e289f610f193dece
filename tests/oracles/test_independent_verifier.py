"""The chain format document is enough for an independent verifier: a Python
one (tests/vectors/verify_chain.py) checks the vectors and real books, and
agrees with daftar on every chain head."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAFTAR = os.environ.get("DAFTAR_BIN", str(ROOT / "target" / "debug" / "daftar"))
VERIFIER = ROOT / "tests" / "vectors" / "verify_chain.py"


def run_verifier(kind, path):
    return subprocess.run([sys.executable, str(VERIFIER), kind, str(path)], capture_output=True, text=True)


def test_the_published_vectors_verify_independently():
    # Version 1 as it was written, and version 2 (each event chaining its
    # command's digest) for the same two books.
    # Version 2's book gained its approver's PIN (actor.pin) before she is named.
    for version, events in (("v1", 31), ("v2", 32)):
        for name, line in (("chain-%s.json", "ok 01930000-0000-7000-8000-000000000001 %d events" % events),
                           ("chain-%s-opening.json", "ok 01930000-0000-7000-8000-000000000c01 3 events")):
            out = run_verifier("vectors", ROOT / "tests" / "vectors" / (name % version))
            assert out.returncode == 0, out.stdout + out.stderr
            assert line in out.stdout, out.stdout


def test_an_edited_command_digest_fails_independent_verification(tmp_path):
    book = tmp_path / "demo.daftar"
    subprocess.run([DAFTAR, "demo", "--db", str(book)], check=True, capture_output=True)
    db = sqlite3.connect(book)
    db.execute("DROP TRIGGER events_no_update")
    org = db.execute("SELECT org_id FROM events ORDER BY org_id LIMIT 1").fetchone()[0]
    db.execute("UPDATE events SET command_digest = zeroblob(32) WHERE org_id = ? AND seq = 25", (org,))
    db.commit()
    db.close()
    out = run_verifier("book", book)
    assert out.returncode == 3
    assert "TAMPERED %s seq 25: column command differs from the chained event" % org in out.stdout


def test_a_demo_book_verifies_independently_with_daftars_heads(tmp_path):
    book = tmp_path / "demo.daftar"
    subprocess.run([DAFTAR, "demo", "--db", str(book), "--seed", "5"], check=True, capture_output=True)
    out = run_verifier("book", book)
    assert out.returncode == 0, out.stdout
    ours = subprocess.run([DAFTAR, "verify", "--db", str(book), "--format", "json"], check=True, capture_output=True, text=True)
    import json
    for org in json.loads(ours.stdout)["report"]["orgs"]:
        c = org["chain"]
        assert "ok %s %d events head %s" % (c["org_id"], c["events"], c["head_hash"]) in out.stdout


def test_a_tampered_book_fails_independent_verification(tmp_path):
    book = tmp_path / "demo.daftar"
    subprocess.run([DAFTAR, "demo", "--db", str(book)], check=True, capture_output=True)
    bad = tmp_path / "bad.daftar"
    shutil.copy(book, bad)
    db = sqlite3.connect(bad)
    db.execute("DROP TRIGGER events_no_update")
    org = db.execute("SELECT org_id FROM events ORDER BY org_id LIMIT 1").fetchone()[0]
    db.execute(
        "UPDATE events SET actor = 'someone-else', canonical = CAST(replace(CAST(canonical AS TEXT),"
        " '\"actor\":\"bookkeeper-asha\"', '\"actor\":\"someone-else\"') AS BLOB)"
        " WHERE org_id = ? AND seq = 25", (org,))
    db.commit()
    db.close()
    out = run_verifier("book", bad)
    assert out.returncode == 3
    assert "TAMPERED %s seq 25: hash does not match the bytes" % org in out.stdout


def _vectors_with_first_event(tmp_path, data):
    """A one-event vectors file whose hash is right for `data`, so only the
    bytes themselves can be faulted."""
    import hashlib
    import json
    tag = b"daftar.event.v1\x00"
    h = hashlib.sha256(tag + bytes(32) + (1).to_bytes(8, "big") + data).digest()
    doc = {
        "domain_tag_hex": tag.hex(),
        "org": "01930000-0000-7000-8000-000000000001",
        "events": [{"seq": 1, "prev_hash": bytes(32).hex(), "hash": h.hex(), "canonical_hex": data.hex()}],
    }
    p = tmp_path / "v.json"
    p.write_text(json.dumps(doc))
    return p


def test_a_float_or_invalid_json_in_an_event_is_reported_as_tampered_not_a_traceback(tmp_path):
    for data in [b'{"v":1.5}', b'{"v":', b'\xff\xfe', b'[1,2]', b'{"v":NaN}']:
        out = run_verifier("vectors", _vectors_with_first_event(tmp_path, data))
        assert out.returncode == 3, (data, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr, out.stderr
        assert "TAMPERED 01930000-0000-7000-8000-000000000001 seq 1" in out.stdout, out.stdout


def test_text_with_a_control_character_or_not_in_nfc_is_tampered(tmp_path):
    for actor in ['si\\u001bta', 'Re\u0301ma']:
        data = ('{"actor":"%s","v":1}' % actor).encode("utf-8")
        out = run_verifier("vectors", _vectors_with_first_event(tmp_path, data))
        assert out.returncode == 3, (actor, out.stdout, out.stderr)
        assert "TAMPERED" in out.stdout and ("control" in out.stdout or "NFC" in out.stdout), out.stdout
