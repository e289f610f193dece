-- The current schema, for a new book. Keep in step with the migrations:
-- tests/migrations.rs checks that a book upgraded from every past version equals this.

-- The event log: the source of truth. Append-only (see the triggers below).
CREATE TABLE events (
    org_id          TEXT    NOT NULL,
    seq             INTEGER NOT NULL CHECK (seq >= 1),
    prev_hash       BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash            BLOB    NOT NULL CHECK (length(hash) = 32),
    kind            TEXT    NOT NULL,
    op_id           TEXT    NOT NULL UNIQUE,
    -- SHA-256 of the command as asked (not chained): tells a retry from a conflict.
    command_digest  BLOB    NOT NULL CHECK (length(command_digest) = 32),
    actor           TEXT    NOT NULL,
    device          TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    business_date   TEXT    NOT NULL,
    -- The canonical bytes that the hash covers (docs/chain-format.md).
    canonical       BLOB    NOT NULL,
    PRIMARY KEY (org_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Projections: rebuilt from the events by replay.
CREATE TABLE organisations (
    id                TEXT    PRIMARY KEY,
    kind              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    currency          TEXT    NOT NULL,
    scale             INTEGER NOT NULL CHECK (scale BETWEEN 0 AND 6),
    calendar          TEXT    NOT NULL,
    fy_start_month    INTEGER NOT NULL,
    fy_start_day      INTEGER NOT NULL,
    locale            TEXT    NOT NULL,
    rounding          TEXT    NOT NULL,
    opened_on         TEXT    NOT NULL
) STRICT;

CREATE TABLE members (
    org_id       TEXT    NOT NULL REFERENCES organisations(id),
    member_no    INTEGER NOT NULL CHECK (member_no >= 1),
    name         TEXT    NOT NULL,
    name_search  TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    phone        TEXT,
    joined_on    TEXT    NOT NULL,
    exited_on    TEXT,
    PRIMARY KEY (org_id, member_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX members_by_name ON members (org_id, name_search);

CREATE TABLE accounts (
    org_id     TEXT    NOT NULL REFERENCES organisations(id),
    code       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    class      TEXT    NOT NULL,
    floor      TEXT    NOT NULL,
    -- A member sub-ledger's header (1300, 2100) and member; NULL for other accounts.
    parent     TEXT,
    member_no  INTEGER,
    -- Maintained running balance, debit positive, in minor units.
    balance    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, code),
    FOREIGN KEY (org_id, member_no) REFERENCES members(org_id, member_no)
) STRICT, WITHOUT ROWID;

-- One journal entry per money event.
CREATE TABLE entries (
    org_id         TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    business_date  TEXT    NOT NULL,
    narration      TEXT    NOT NULL,
    -- The event's kind (savings.deposit, cutoff.recorded, …): what reports
    -- and passbooks sort entries by, without reading the event log (v9).
    kind           TEXT    NOT NULL,
    PRIMARY KEY (org_id, seq),
    FOREIGN KEY (org_id, seq) REFERENCES events(org_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX entries_by_date ON entries (org_id, business_date, seq);

CREATE TABLE postings (
    org_id         TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    line           INTEGER NOT NULL,
    account        TEXT    NOT NULL,
    amount         INTEGER NOT NULL CHECK (amount <> 0),
    -- The account's balance after this posting: passbooks read it, not a sum.
    balance_after  INTEGER NOT NULL,
    PRIMARY KEY (org_id, seq, line),
    FOREIGN KEY (org_id, seq) REFERENCES entries(org_id, seq),
    FOREIGN KEY (org_id, account) REFERENCES accounts(org_id, code)
) STRICT, WITHOUT ROWID;
CREATE INDEX postings_by_account ON postings (org_id, account, seq);

CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;

-- Policies, roles, meetings and loans (schema v2).
CREATE TABLE policies (
    org_id  TEXT PRIMARY KEY REFERENCES organisations(id),
    policy  TEXT NOT NULL
) STRICT;

CREATE TABLE actors (
    org_id  TEXT NOT NULL REFERENCES organisations(id),
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL, pin_verifier TEXT,
    PRIMARY KEY (org_id, actor)
) STRICT, WITHOUT ROWID;

CREATE TABLE meetings (
    org_id              TEXT    NOT NULL REFERENCES organisations(id),
    meeting_no          INTEGER NOT NULL CHECK (meeting_no >= 1),
    held_on             TEXT    NOT NULL,
    status              TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    counted_cash        INTEGER,
    discrepancy         INTEGER NOT NULL DEFAULT 0,
    discrepancy_reason  TEXT,
    PRIMARY KEY (org_id, meeting_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE attendance (
    org_id      TEXT    NOT NULL,
    meeting_no  INTEGER NOT NULL,
    member_no   INTEGER NOT NULL,
    present     INTEGER NOT NULL CHECK (present IN (0, 1)),
    PRIMARY KEY (org_id, meeting_no, member_no),
    FOREIGN KEY (org_id, meeting_no) REFERENCES meetings(org_id, meeting_no),
    FOREIGN KEY (org_id, member_no) REFERENCES members(org_id, member_no)
) STRICT, WITHOUT ROWID;

-- The entries recorded while a meeting was open.
CREATE TABLE meeting_entries (
    org_id      TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    meeting_no  INTEGER NOT NULL,
    PRIMARY KEY (org_id, seq),
    FOREIGN KEY (org_id, seq) REFERENCES entries(org_id, seq),
    FOREIGN KEY (org_id, meeting_no) REFERENCES meetings(org_id, meeting_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_entries_by_meeting ON meeting_entries (org_id, meeting_no, seq);

-- Member loans, and the organisation's own borrowing (source cif or bank-loan).
CREATE TABLE loans (
    org_id            TEXT    NOT NULL REFERENCES organisations(id),
    loan_no           INTEGER NOT NULL CHECK (loan_no >= 1),
    source            TEXT    NOT NULL CHECK (source IN ('member', 'cif', 'bank-loan', 'vrf')),
    member_no         INTEGER,
    status            TEXT    NOT NULL
                      CHECK (status IN ('applied', 'approved', 'active', 'closed', 'written-off')),
    terms             TEXT    NOT NULL,
    principal         INTEGER NOT NULL CHECK (principal > 0),
    applied_on        TEXT    NOT NULL,
    approved_meeting  INTEGER,
    disbursed_on      TEXT,
    fee               INTEGER NOT NULL DEFAULT 0,
    written_off       INTEGER NOT NULL DEFAULT 0,
    closed_on         TEXT,
    -- What a write-off forgave besides the principal (v9).
    interest_forgiven INTEGER NOT NULL DEFAULT 0,
    penalty_forgiven  INTEGER NOT NULL DEFAULT 0,
    -- The loan's reference shared with the other side (a CIF loan's, in the
    -- VO's book and the SHG's alike), or a bank loan's account number (v9).
    reference         TEXT,
    PRIMARY KEY (org_id, loan_no),
    FOREIGN KEY (org_id, member_no) REFERENCES members(org_id, member_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX loans_by_member ON loans (org_id, member_no, loan_no);
CREATE INDEX loans_by_status ON loans (org_id, status, loan_no);
CREATE UNIQUE INDEX loans_by_reference ON loans (org_id, reference) WHERE reference IS NOT NULL;

CREATE TABLE instalments (
    org_id            TEXT    NOT NULL,
    loan_no           INTEGER NOT NULL,
    no                INTEGER NOT NULL CHECK (no >= 1),
    due_on            TEXT    NOT NULL,
    principal         INTEGER NOT NULL CHECK (principal >= 0),
    interest          INTEGER NOT NULL CHECK (interest >= 0),
    penalty           INTEGER NOT NULL DEFAULT 0 CHECK (penalty >= 0),
    principal_paid    INTEGER NOT NULL DEFAULT 0 CHECK (principal_paid BETWEEN 0 AND principal),
    interest_paid     INTEGER NOT NULL DEFAULT 0 CHECK (interest_paid BETWEEN 0 AND interest),
    penalty_paid      INTEGER NOT NULL DEFAULT 0 CHECK (penalty_paid BETWEEN 0 AND penalty),
    penalty_assessed  INTEGER NOT NULL DEFAULT 0 CHECK (penalty_assessed IN (0, 1)),
    PRIMARY KEY (org_id, loan_no, no),
    FOREIGN KEY (org_id, loan_no) REFERENCES loans(org_id, loan_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX instalments_by_due ON instalments (org_id, due_on);

-- Corrections (schema v3).
-- Corrections that wait for, or got, a second person's decision.
CREATE TABLE corrections (
    org_id        TEXT    NOT NULL REFERENCES organisations(id),
    request_seq   INTEGER NOT NULL,
    original_seq  INTEGER NOT NULL,
    reason        TEXT    NOT NULL,
    maker         TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    checker       TEXT,
    decided_seq   INTEGER,
    PRIMARY KEY (org_id, request_seq)
) STRICT, WITHOUT ROWID;

-- Every reversed event and the event that reversed it.
CREATE TABLE reversals (
    org_id        TEXT    NOT NULL REFERENCES organisations(id),
    original_seq  INTEGER NOT NULL,
    reversal_seq  INTEGER NOT NULL,
    PRIMARY KEY (org_id, original_seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX reversals_by_reversal ON reversals (org_id, reversal_seq);

-- Events by business date (schema v4).
CREATE INDEX events_by_date ON events (org_id, business_date);

-- Each member's fees and fines (v5).
CREATE TABLE member_charges (
    org_id        TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    member_no     INTEGER NOT NULL,
    charge        TEXT    NOT NULL CHECK (charge IN ('membership-fee', 'absence-fine')),
    amount        INTEGER NOT NULL CHECK (amount > 0),
    business_date TEXT    NOT NULL,
    -- The business date of the entry's reversal, if it was reversed.
    reversed_on   TEXT,
    PRIMARY KEY (org_id, seq),
    FOREIGN KEY (org_id, member_no) REFERENCES members(org_id, member_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX member_charges_by_member ON member_charges (org_id, member_no, charge, business_date);
CREATE INDEX meetings_by_date ON meetings (org_id, held_on);
-- The open meeting, found at every entry without a scan of the meetings.
CREATE INDEX meetings_open ON meetings (org_id) WHERE status = 'open';

-- What each event did to each loan (see migration 006).
CREATE TABLE loan_movements (
    org_id        TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    loan_no       INTEGER NOT NULL,
    -- The event's kind: loan.disbursed, facility.received, cutoff.recorded,
    -- loan.repaid, member.exited (a loan settled from savings) or loan.written_off.
    kind          TEXT    NOT NULL,
    business_date TEXT    NOT NULL,
    -- Principal paid out (or carried over at the cut-off), or written off.
    amount        INTEGER NOT NULL CHECK (amount >= 0),
    -- A payment's split by instalment and component, as the event records it.
    allocation    TEXT,
    -- The business date of the event's reversal, if it was reversed.
    reversed_on   TEXT,
    PRIMARY KEY (org_id, seq, loan_no),
    FOREIGN KEY (org_id, loan_no) REFERENCES loans(org_id, loan_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX loan_movements_by_loan ON loan_movements (org_id, loan_no, seq);

-- Bulk loads started and not yet finished (see migration 007).
CREATE TABLE bulk_loads (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL
) STRICT;

-- Sync (see migration 008).
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
