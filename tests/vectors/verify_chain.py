#!/usr/bin/env python3
"""An independent verifier of daftar event chains, written from
docs/chain-format.md alone, with Python's standard library only.

    verify_chain.py vectors FILE.json   # the published test vectors
    verify_chain.py book BOOK.daftar    # every organisation's chain in a book

Prints one line per organisation; exits 0 when every chain verifies, 3 when
one does not.
"""

import hashlib
import json
import sqlite3
import sys
import unicodedata

TAG = b"daftar.event.v1\x00"
GENESIS = bytes(32)
ENVELOPE = {"v", "org", "op_id", "actor", "device", "recorded_at", "date", "kind", "body"}
# Version 2 adds the command digest: 64 lower-case hex digits.
ENVELOPE_V2 = ENVELOPE | {"command"}
HEX64 = set("0123456789abcdef")
COLUMNS = ("kind", "op_id", "actor", "device", "recorded_at", "date", "command")


def canonical(value):
    """The canonical JSON encoding of the document, rule by rule."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError("a number with a fraction is not canonical")
    if isinstance(value, str):
        out = ['"']
        for ch in value:
            if ch == '"':
                out.append('\\"')
            elif ch == "\\":
                out.append("\\\\")
            elif ord(ch) < 0x20:
                out.append("\\u%04x" % ord(ch))
            else:
                out.append(ch)
        out.append('"')
        return "".join(out)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-8"))
        return "{" + ",".join(canonical(k) + ":" + canonical(value[k]) for k in keys) + "}"
    raise ValueError("unexpected JSON value %r" % (value,))


def first_bad_text(value):
    """Events carry text in Unicode NFC with no control characters."""
    if isinstance(value, str):
        if any(unicodedata.category(c) == "Cc" for c in value):
            return "text %r holds a control character" % value
        if not unicodedata.is_normalized("NFC", value):
            return "text %r is not in Unicode NFC" % value
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for k, v in items:
        bad = (first_bad_text(k) if isinstance(k, str) else None) or first_bad_text(v)
        if bad:
            return bad
    return None


def _refuse_constant(name):
    raise ValueError("%s is not JSON" % name)


def event_hash(prev, seq, data):
    return hashlib.sha256(TAG + prev + seq.to_bytes(8, "big") + data).digest()


def good_envelope(doc):
    v = doc.get("v")
    if v is True or v is False:
        return False
    if v == 1:
        return set(doc) == ENVELOPE
    if v == 2:
        c = doc.get("command")
        return set(doc) == ENVELOPE_V2 and isinstance(c, str) and len(c) == 64 and set(c) <= HEX64
    return False


def check_chain(org, rows):
    """rows: (seq, prev_hash, hash, canonical bytes, columns dict or None) in seq order.
    Returns (events, head hash, problem or None)."""
    prev, expected = GENESIS, 1
    for seq, prev_hash, stored, data, cols in rows:
        if seq != expected:
            return expected - 1, prev, "seq %d: expected seq %d" % (seq, expected)
        if prev_hash != prev:
            return expected - 1, prev, "seq %d: prev_hash does not link" % seq
        if event_hash(prev, seq, data) != stored:
            return expected - 1, prev, "seq %d: hash does not match the bytes" % seq
        try:
            doc = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
            encoded = canonical(doc).encode("utf-8")
        except (UnicodeDecodeError, ValueError) as e:
            # Invalid UTF-8 or JSON, a float, NaN: the event is not canonical.
            return expected - 1, prev, "seq %d: bytes are not canonical JSON (%s)" % (seq, e)
        if encoded != data:
            return expected - 1, prev, "seq %d: bytes are not canonical" % seq
        if not isinstance(doc, dict):
            return expected - 1, prev, "seq %d: the event is not a JSON object" % seq
        bad_text = first_bad_text(doc)
        if bad_text is not None:
            return expected - 1, prev, "seq %d: %s" % (seq, bad_text)
        if not good_envelope(doc) or doc["org"] != org:
            return expected - 1, prev, "seq %d: bad envelope" % seq
        if (seq == 1) != (doc["kind"] == "org.created"):
            return expected - 1, prev, "seq %d: the chain must start with org.created" % seq
        if cols is not None:
            for c in COLUMNS:
                # A version 1 event's command digest is not chained: unchecked.
                if c == "command" and doc["v"] == 1:
                    continue
                if cols[c] != doc[c]:
                    return expected - 1, prev, "seq %d: column %s differs from the chained event" % (seq, c)
        prev, expected = stored, expected + 1
    return expected - 1, prev, None


def from_vectors(path):
    v = json.load(open(path, encoding="utf-8"))
    assert bytes.fromhex(v["domain_tag_hex"]) == TAG, "unknown domain tag"
    rows = [
        (e["seq"], bytes.fromhex(e["prev_hash"]), bytes.fromhex(e["hash"]), bytes.fromhex(e["canonical_hex"]), None)
        for e in v["events"]
    ]
    return {v["org"]: rows}


def from_book(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    chains = {}
    for (org,) in db.execute("SELECT DISTINCT org_id FROM events ORDER BY org_id"):
        chains[org] = [
            (seq, prev, h, data, dict(zip(COLUMNS, cols[:-1] + [cols[-1].hex()])))
            for seq, prev, h, data, *cols in db.execute(
                "SELECT seq, prev_hash, hash, canonical, kind, op_id, actor, device, recorded_at, business_date,"
                " command_digest FROM events WHERE org_id = ? ORDER BY seq", (org,))
        ]
    return chains


def main(argv):
    if len(argv) != 3 or argv[1] not in ("vectors", "book"):
        print(__doc__, file=sys.stderr)
        return 2
    chains = from_vectors(argv[2]) if argv[1] == "vectors" else from_book(argv[2])
    intact = True
    for org, rows in chains.items():
        n, head, problem = check_chain(org, rows)
        if problem:
            intact = False
            print("TAMPERED %s %s" % (org, problem))
        else:
            print("ok %s %d events head %s" % (org, n, head.hex()))
    return 0 if intact else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
