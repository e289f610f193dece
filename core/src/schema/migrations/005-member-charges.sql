-- v4 → v5: each member's fees and fines, so that dues come from an index and
-- not from decoding the history; meetings by date, for arrears as of a date.
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
