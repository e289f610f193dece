-- v8 → v9: each entry carries its event's kind, so reports tell the cut-off's
-- opening balances, deposits, repayments and exits apart from the projections
-- alone; a loan's source may be VRF, borrowed apart from CIF; and a loan may
-- carry a reference shared with the other side (CIF's, between a VO and an
-- SHG), unique in the organisation, and what a write-off forgave besides the
-- principal (interest fallen due, penalties). Both tables
-- are rebuilt so their definitions equal a fresh book's; postings, meeting
-- rows, instalments and loan movements point at them, so their keys are
-- checked at commit.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE entries_v8 AS SELECT org_id, seq, business_date, narration FROM entries;
DROP TABLE entries;
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
-- A fee's or fine's narration reads as a person writes it ("Absence fine from
-- member 4", not "AbsenceFine from member 4"), as replaying its event now gives.
INSERT INTO entries (org_id, seq, business_date, narration, kind)
    SELECT o.org_id, o.seq, o.business_date,
           CASE WHEN e.kind = 'charge.collected'
                THEN replace(replace(o.narration, 'AbsenceFine from ', 'Absence fine from '),
                             'MembershipFee from ', 'Membership fee from ')
                ELSE o.narration END,
           e.kind
      FROM entries_v8 o JOIN events e ON e.org_id = o.org_id AND e.seq = o.seq;
DROP TABLE entries_v8;
CREATE INDEX entries_by_date ON entries (org_id, business_date, seq);

CREATE TABLE loans_v8 AS SELECT * FROM loans;
DROP TABLE loans;
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
INSERT INTO loans (org_id, loan_no, source, member_no, status, terms, principal, applied_on,
                   approved_meeting, disbursed_on, fee, written_off, closed_on)
    SELECT org_id, loan_no, source, member_no, status, terms, principal, applied_on,
           approved_meeting, disbursed_on, fee, written_off, closed_on FROM loans_v8;
DROP TABLE loans_v8;
