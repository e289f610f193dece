"""The sync protocol document is enough for an independent checker: a Python
one (tests/vectors/verify_bundle.py, standard library plus `cryptography`)
agrees with daftar on the published vectors and on bundles of a real book."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DAFTAR = os.environ.get("DAFTAR_BIN", str(ROOT / "target" / "debug" / "daftar"))
CHECKER = ROOT / "tests" / "vectors" / "verify_bundle.py"


def check(kind, path):
    return subprocess.run([sys.executable, str(CHECKER), kind, str(path)], capture_output=True, text=True)


def daftar(*args):
    return subprocess.run([DAFTAR, *args], check=True, capture_output=True, text=True).stdout


def test_the_published_sync_vectors_check_independently():
    out = check("vectors", ROOT / "tests" / "vectors" / "sync-v1.json")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "custody vector-phone-3 epoch 3" in out.stdout
    assert out.stdout.count("refused ") == 9


def test_bundles_of_the_demo_book_check_independently_and_a_changed_byte_does_not(tmp_path):
    book = tmp_path / "demo.daftar"
    daftar("demo", "--db", str(book), "--seed", "4")
    orgs = [line.split()[0] for line in daftar("orgs", "--db", str(book)).splitlines()]
    assert len(orgs) == 3
    for org in orgs:
        daftar("custody", "claim", "--db", str(book), "--org", org, "--actor", "asha")
        bundle = tmp_path / (org + ".bundle")
        daftar("bundle", "export", "--db", str(book), "--org", org, "--out", str(bundle))
        out = check("bundle", bundle)
        assert out.returncode == 0, out.stdout + out.stderr
        shown = daftar("custody", "show", "--db", str(book), "--org", org)
        head = shown.split("head: seq ")[1].split()[0]
        head_hash = shown.split("head: seq ")[1].split("(")[1].split(")")[0]
        assert "ok %s %s events head %s custody daftar-cli epoch 1" % (org, head, head_hash) in out.stdout
        damaged = tmp_path / "damaged.bundle"
        text = bundle.read_text(encoding="utf-8")
        # Inside a chunk each event is a JSON string, so its quotes are escaped.
        assert '\\"amount\\":' in text
        damaged.write_text(text.replace('\\"amount\\":', '\\"amount\\":1', 1), encoding="utf-8")
        out = check("bundle", damaged)
        assert out.returncode == 1 and "broken_chain" in out.stdout, out.stdout
