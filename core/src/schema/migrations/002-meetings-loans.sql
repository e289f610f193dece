-- v1 → v2: policies, roles, meetings, loans and their schedules.

CREATE TABLE policies (
    org_id  TEXT PRIMARY KEY REFERENCES organisations(id),
    policy  TEXT NOT NULL
) STRICT;

CREATE TABLE actors (
    org_id  TEXT NOT NULL REFERENCES organisations(id),
    actor   TEXT NOT NULL,
    role    TEXT NOT NULL,
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
    source            TEXT    NOT NULL CHECK (source IN ('member', 'cif', 'bank-loan')),
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
    PRIMARY KEY (org_id, loan_no),
    FOREIGN KEY (org_id, member_no) REFERENCES members(org_id, member_no)
) STRICT, WITHOUT ROWID;
CREATE INDEX loans_by_member ON loans (org_id, member_no, loan_no);
CREATE INDEX loans_by_status ON loans (org_id, status, loan_no);

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
