-- v2 → v3: corrections by reversal, with maker-checker.

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
