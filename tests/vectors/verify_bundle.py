#!/usr/bin/env python3
"""An independent checker of daftar sync bundles, written from
docs/sync-protocol.md with Python's standard library and `cryptography`
(for Ed25519) alone. It shares no code with daftar.

    verify_bundle.py vectors tests/vectors/sync-v1.json
    verify_bundle.py bundle FILE        # a file from `daftar bundle export`

A receiver starts empty and takes each chunk in order, as a new book would.
Exit 0 when everything checks, 1 otherwise.
"""

import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DOMAIN_TAG = b"daftar.event.v1\x00"
HEAD_TAG = b"daftar.head.v1\x00"
RECOVERY_TAG = b"daftar.recovery.v1\x00"
ZERO = bytes(32)
MAX_INT = 2**53 - 1
CHUNK_MEMBERS = {"format", "version", "org", "base", "events", "head", "signer", "signature"}


class Refused(Exception):
    def __init__(self, code, why):
        super().__init__("%s: %s" % (code, why))
        self.code = code


def jcs(v):
    """RFC 8785 for daftar's values: integers only, within 2^53 - 1."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        if abs(v) > MAX_INT:
            raise Refused("malformed", "integer %d beyond 2^53 - 1" % v)
        return str(v)
    if isinstance(v, float):
        raise Refused("malformed", "a number that is not an integer")
    if isinstance(v, str):
        # json.dumps escapes as ECMAScript does: \" \\ \b \f \n \r \t, other controls \u00xx.
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jcs(v[k]) for k in keys) + "}"


def chain_hash(prev, seq, data):
    return hashlib.sha256(DOMAIN_TAG + prev + seq.to_bytes(8, "big") + data).digest()


def verifies(key, message, signature):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def unhex(s, n, what):
    if not isinstance(s, str) or len(s) != 2 * n or s != s.lower():
        raise Refused("malformed", "%s is not %d lower-case hex digits" % (what, 2 * n))
    try:
        return bytes.fromhex(s)
    except ValueError:
        raise Refused("malformed", "%s is not hex" % what)


def org_bytes(org):
    return bytes.fromhex(org.replace("-", ""))


class Receiver:
    """One organisation's chain as a receiver holds it."""

    def __init__(self):
        self.hashes = []
        self.custody = None  # (epoch, device, key, since_seq)
        self.recovery_key = None

    def step(self, org, seq, ev):
        """Custody's rules for the new event at seq; returns the writer's key."""
        kind, device, body = ev["kind"], ev["device"], ev.get("body")
        c = self.custody
        if kind == "custody.claimed":
            if c is not None:
                raise Refused("custody", "seq %d: custody is already held" % seq)
            if body["epoch"] != 1 or body["device"] != device:
                raise Refused("custody", "seq %d: a claim is epoch 1 by the device it names" % seq)
            key = unhex(body["key"], 32, "key")
            self.custody = (1, device, key, seq)
            return key
        if kind == "custody.transferred":
            if c is None:
                raise Refused("custody", "seq %d: nobody holds custody" % seq)
            if device != c[1]:
                raise Refused("not_writer", "seq %d by %s; custody is with %s" % (seq, device, c[1]))
            key = unhex(body["key"], 32, "key")
            if body["epoch"] != c[0] + 1 or key == c[2] or body["device"] == c[1]:
                raise Refused("custody", "seq %d: a hand-over to epoch %d, to another device" % (seq, c[0] + 1))
            self.custody = (body["epoch"], body["device"], key, seq)
            return c[2]
        if kind == "custody.recovered":
            if c is None or body["epoch"] != c[0] + 1 or body["device"] != device or device == c[1]:
                raise Refused("custody", "seq %d: a recovery to the next epoch, by the device it names" % seq)
            key = unhex(body["key"], 32, "key")
            message = RECOVERY_TAG + org_bytes(org) + body["epoch"].to_bytes(8, "big") + key + device.encode()
            signature = unhex(body["signature"], 64, "signature")
            if self.recovery_key is None or not verifies(self.recovery_key, message, signature):
                raise Refused("custody", "seq %d: not signed by the policy's recovery key" % seq)
            self.custody = (body["epoch"], device, key, seq)
            return key
        if kind == "org.policy":
            k = (body or {}).get("recovery_key")
            self.recovery_key = None if k is None else unhex(k, 32, "recovery key")
        if c is None:
            return None
        if device != c[1]:
            raise Refused("not_writer", "seq %d by %s; custody is with %s" % (seq, device, c[1]))
        return c[2]

    def take(self, chunk):
        if not isinstance(chunk, dict) or set(chunk) != CHUNK_MEMBERS:
            raise Refused("malformed", "a chunk has exactly the members %s" % sorted(CHUNK_MEMBERS))
        if chunk["format"] != "daftar.chunk":
            raise Refused("malformed", "format %r" % chunk["format"])
        if chunk["version"] != 1:
            raise Refused("unsupported_version", "version %r" % chunk["version"])
        org, events = chunk["org"], chunk["events"]
        base_seq, head_seq = chunk["base"]["seq"], chunk["head"]["seq"]
        base_hash = unhex(chunk["base"]["hash"], 32, "base hash")
        head_hash = unhex(chunk["head"]["hash"], 32, "head hash")
        if not events or base_seq + len(events) != head_seq or (base_seq == 0 and base_hash != ZERO):
            raise Refused("broken_chain", "the chunk's seqs do not add up")
        hashes, prev = [], base_hash
        for i, text in enumerate(events):
            prev = chain_hash(prev, base_seq + 1 + i, text.encode())
            hashes.append(prev)
        if prev != head_hash:
            raise Refused("broken_chain", "the events do not hash to the head")
        held = len(self.hashes)
        if base_seq > held:
            raise Refused("gap", "the chunk starts after seq %d; the head is seq %d" % (base_seq, held))
        if (self.hashes[base_seq - 1] if base_seq else ZERO) != base_hash:
            raise Refused("fork", "at seq %d" % base_seq)
        state = (self.custody, self.recovery_key)
        writer, new = None, []
        try:
            for i, text in enumerate(events):
                seq = base_seq + 1 + i
                ev = json.loads(text)
                if jcs(ev) != text:
                    raise Refused("malformed", "seq %d is not canonical" % seq)
                if ev["org"] != org:
                    raise Refused("wrong_org", "seq %d is of %s" % (seq, ev["org"]))
                if (seq == 1) != (ev["kind"] == "org.created"):
                    raise Refused("malformed", "a chain starts with org.created, only")
                if seq <= held:
                    if self.hashes[seq - 1] != hashes[i]:
                        c = self.custody
                        late = c is not None and c[3] <= seq and c[1] != ev["device"]
                        raise Refused("not_writer" if late else "fork", "at seq %d" % seq)
                    continue
                writer = self.step(org, seq, ev)
                new.append(hashes[i])
            if new:
                if writer is None:
                    raise Refused("no_custody", "seq %d was written before custody" % head_seq)
                signer = unhex(chunk["signer"], 32, "signer")
                message = HEAD_TAG + org_bytes(org) + head_seq.to_bytes(8, "big") + head_hash
                if signer != writer or not verifies(writer, message, unhex(chunk["signature"], 64, "signature")):
                    raise Refused("bad_signature", "over seq %d" % head_seq)
        except Refused:
            self.custody, self.recovery_key = state
            raise
        self.hashes.extend(new)
        return len(new)


def take_all(chunks):
    receivers = {}
    for c in chunks:
        r = receivers.setdefault(c.get("org") if isinstance(c, dict) else None, Receiver())
        r.take(c)
    return receivers


def report(receivers):
    for org, r in receivers.items():
        c = r.custody
        print("ok %s %d events head %s custody %s epoch %d" % (
            org, len(r.hashes), r.hashes[-1].hex(), c[1] if c else "-", c[0] if c else 0))


def main(argv):
    if len(argv) != 3 or argv[1] not in ("vectors", "bundle"):
        print(__doc__)
        return 2
    try:
        if argv[1] == "bundle":
            with open(argv[2], encoding="utf-8") as f:
                report(take_all([json.loads(line) for line in f if line.strip()]))
            return 0
        with open(argv[2], encoding="utf-8") as f:
            v = json.load(f)
        receivers = take_all(v["bundle"])
        r = receivers[v["org"]]
        if {"seq": len(r.hashes), "hash": r.hashes[-1].hex()} != v["final_head"]:
            print("FAIL the bundle does not end at the published head")
            return 1
        report(receivers)
        for case in v["refused"]:
            receiver = Receiver()
            for c in v["bundle"][: case["after"]]:
                receiver.take(c)
            try:
                receiver.take(case["chunk"])
                print("FAIL accepted: %s" % case["why"])
                return 1
            except Refused as e:
                if e.code != case["code"]:
                    print("FAIL %s: refused %s, expected %s" % (case["why"], e.code, case["code"]))
                    return 1
                print("refused %s: %s" % (e.code, case["why"]))
        return 0
    except Refused as e:
        print("REFUSED %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
