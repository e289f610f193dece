-- v5 → v6: what each event did to each loan, so that a reversal is undone, a
-- loan's standing on a past date is rewound and its ledger is listed from a
-- projection, never by decoding the event log.
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
