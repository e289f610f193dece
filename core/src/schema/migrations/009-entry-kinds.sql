-- v8 → v9: each entry carries its event's kind, so reports tell the cut-off's
-- opening balances, deposits, repayments and exits apart from the projections
-- alone. The table is rebuilt so its definition equals a fresh book's; postings
-- and meeting rows point at it, so their keys are checked at commit.
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
INSERT INTO entries (org_id, seq, business_date, narration, kind)
    SELECT o.org_id, o.seq, o.business_date, o.narration, e.kind
      FROM entries_v8 o JOIN events e ON e.org_id = o.org_id AND e.seq = o.seq;
DROP TABLE entries_v8;
CREATE INDEX entries_by_date ON entries (org_id, business_date, seq);
