-- v7 → v8: sync. Custody of each organisation's chain (a projection of the
-- custody events); this book's own device key; heads signed by their writers,
-- kept to hand on; what the server acknowledged; events kept aside.

-- Who may write the organisation's chain, from which seq (custody.* events).
CREATE TABLE custody (
    org_id      TEXT    PRIMARY KEY,
    epoch       INTEGER NOT NULL CHECK (epoch >= 1),
    device      TEXT    NOT NULL,
    -- The holder's Ed25519 public key, 64 lower-case hex digits.
    public_key  TEXT    NOT NULL CHECK (length(public_key) = 64),
    since_seq   INTEGER NOT NULL CHECK (since_seq >= 1)
) STRICT;

-- This book's device: its name and signing key. One row at most; never synced.
CREATE TABLE device_identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    device      TEXT    NOT NULL,
    secret      BLOB    NOT NULL CHECK (length(secret) = 32),
    public_key  TEXT    NOT NULL CHECK (length(public_key) = 64)
) STRICT;

-- Heads signed by the device that wrote them, received in chunks: a book hands
-- on another device's events in chunks that end at these.
CREATE TABLE signed_heads (
    org_id      TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    signer      TEXT    NOT NULL CHECK (length(signer) = 64),
    signature   TEXT    NOT NULL CHECK (length(signature) = 128),
    PRIMARY KEY (org_id, seq)
) STRICT, WITHOUT ROWID;

-- The last head the server acknowledged, per organisation: a push after any
-- failure sends from here. No per-event flags.
CREATE TABLE sync_acks (
    org_id      TEXT    PRIMARY KEY,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    hash        BLOB    NOT NULL CHECK (length(hash) = 32),
    -- The server's receipt, as it sent it.
    receipt     TEXT
) STRICT;

-- Events refused because another chain holds their seq (a fork, or a write by
-- a device that no longer held custody): kept for re-entry, never merged.
CREATE TABLE set_aside (
    org_id      TEXT    NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    hash        BLOB    NOT NULL CHECK (length(hash) = 32),
    canonical   BLOB    NOT NULL,
    refusal     TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    PRIMARY KEY (org_id, seq, hash)
) STRICT, WITHOUT ROWID;
