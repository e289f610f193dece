"""A hand-over file sealed by daftar opens with an independent implementation
of docs/sync-protocol.md's "Sealed files" (Python's `cryptography`: X25519,
HKDF-SHA256, ChaCha20-Poly1305, and the Ed25519 to X25519 conversion by hand),
and a file sealed by that implementation opens in daftar; a third device's
book refuses both."""

import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ROOT = Path(__file__).resolve().parents[2]
DAFTAR = os.environ.get("DAFTAR_BIN", str(ROOT / "target" / "debug" / "daftar"))
MAGIC = b"daftar.sealed.v1\n"
SEGMENT = 64 * 1024
P = 2**255 - 19


def daftar(*args, check=True):
    return subprocess.run([DAFTAR, *args], check=check, capture_output=True, text=True)


def montgomery_u(ed25519_public: bytes) -> bytes:
    """u = (1 + y) / (1 - y) mod p, from the Edwards point's y (RFC 7748 §4.1)."""
    y = int.from_bytes(ed25519_public, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow(1 - y, P - 2, P) % P
    return u.to_bytes(32, "little")


def x25519_secret(ed25519_seed: bytes) -> X25519PrivateKey:
    # The first half of SHA-512(seed) is Ed25519's scalar; X25519 clamps it the same way.
    return X25519PrivateKey.from_private_bytes(hashlib.sha512(ed25519_seed).digest()[:32])


def payload_key(shared: bytes, ephemeral_u: bytes, recipient_u: bytes) -> ChaCha20Poly1305:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_u + recipient_u,
               info=b"daftar.sealed.v1 payload key").derive(shared)
    return ChaCha20Poly1305(key)


def nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def open_sealed(seed: bytes, public: bytes, data: bytes) -> bytes:
    assert data.startswith(MAGIC)
    header = data[: len(MAGIC) + 64]
    assert header[len(MAGIC): len(MAGIC) + 32] == public, "sealed to another device"
    ephemeral_u = header[len(MAGIC) + 32:]
    shared = x25519_secret(seed).exchange(X25519PublicKey.from_public_bytes(ephemeral_u))
    aead = payload_key(shared, ephemeral_u, montgomery_u(public))
    body = data[len(header):]
    pieces = [body[i: i + SEGMENT + 16] for i in range(0, len(body), SEGMENT + 16)]
    return b"".join(aead.decrypt(nonce(i, i == len(pieces) - 1), p, header) for i, p in enumerate(pieces))


def seal(public: bytes, plaintext: bytes) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    ephemeral_u = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    recipient_u = montgomery_u(public)
    aead = payload_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_u)), ephemeral_u, recipient_u)
    header = MAGIC + public + ephemeral_u
    pieces = [plaintext[i: i + SEGMENT] for i in range(0, len(plaintext), SEGMENT)] or [b""]
    return header + b"".join(aead.encrypt(nonce(i, i == len(pieces) - 1), p, header) for i, p in enumerate(pieces))


def device_of(book: Path):
    with sqlite3.connect(book) as db:
        seed, key = db.execute("SELECT secret, public_key FROM device_identity").fetchone()
    return bytes(seed), bytes.fromhex(key)


def test_a_file_sealed_by_daftar_opens_independently_and_one_sealed_independently_opens_in_daftar(tmp_path):
    demo = tmp_path / "demo.daftar"
    daftar("demo", "--db", str(demo), "--seed", "4")
    org = daftar("orgs", "--db", str(demo)).stdout.split()[0]
    daftar("custody", "claim", "--db", str(demo), "--org", org, "--actor", "asha")
    plain = tmp_path / "plain.bundle"
    daftar("bundle", "export", "--db", str(demo), "--org", org, "--out", str(plain))

    phone_b = tmp_path / "b.daftar"
    daftar("device", "--db", str(phone_b), "--name", "phone-b")
    seed, public = device_of(phone_b)
    sealed = tmp_path / "sealed.bundle"
    daftar("bundle", "export", "--db", str(demo), "--org", org, "--out", str(sealed), "--to-key", public.hex())
    data = sealed.read_bytes()
    assert len(data) > 2 * SEGMENT, "a book of several segments"
    assert open_sealed(seed, public, data) == plain.read_bytes()

    # Sealed here, opened by daftar in phone B's book: the whole chain arrives.
    mine = tmp_path / "mine.bundle"
    mine.write_bytes(seal(public, plain.read_bytes()))
    out = daftar("bundle", "import", "--db", str(phone_b), str(mine))
    assert "events added" in out.stdout
    assert "chain and replay verified" in daftar("verify", "--db", str(phone_b)).stdout

    # A third device's book refuses both, and is left as it was.
    phone_c = tmp_path / "c.daftar"
    daftar("device", "--db", str(phone_c), "--name", "phone-c")
    before = phone_c.read_bytes()
    for f in (sealed, mine):
        out = daftar("bundle", "import", "--db", str(phone_c), str(f), check=False)
        assert out.returncode != 0 and "wrong_device" in out.stderr, out.stderr
    assert phone_c.read_bytes() == before
