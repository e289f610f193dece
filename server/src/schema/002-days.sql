-- Schema 2: figures as of any date, not only a month's end.

-- The same sums as month_totals and month_activity, by business date. A
-- rollup as of a day adds the months before it to the days of its own month.
CREATE TABLE day_totals (
    org_id      uuid NOT NULL,
    day         date NOT NULL,
    account     text NOT NULL,
    net         bigint NOT NULL,
    PRIMARY KEY (org_id, day, account)
);

CREATE TABLE day_activity (
    org_id      uuid NOT NULL,
    day         date NOT NULL,
    meetings    integer NOT NULL DEFAULT 0,
    members_added integer NOT NULL DEFAULT 0,
    members_exited integer NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, day)
);

-- What the core's reports say of an organisation as of a day asked for (PAR30
-- moves with the calendar, not only with events): a cache, valid while the
-- replica stays at consolidated_seq, made again when the chain moves on.
CREATE TABLE figures_on (
    org_id      uuid NOT NULL,
    as_of       date NOT NULL,
    consolidated_seq bigint NOT NULL,
    loans_outstanding bigint NOT NULL,
    par30_outstanding bigint NOT NULL,
    grade       text,
    grade_score numeric,
    PRIMARY KEY (org_id, as_of)
);

-- org_figures keeps only how far each replica has got: the figures are
-- computed for the day a rollup asks for (figures_on), and nothing read these.
ALTER TABLE org_figures
    DROP COLUMN currency, DROP COLUMN scale, DROP COLUMN members, DROP COLUMN savings,
    DROP COLUMN loans_outstanding, DROP COLUMN par30_outstanding, DROP COLUMN grade,
    DROP COLUMN grade_score;

-- Books pushed under schema 1 have no day sums yet: the server makes them
-- from the stored events at startup, one organisation at a time, under the
-- organisation's row lock, and removes it from this list.
CREATE TABLE totals_to_rebuild (
    org_id      uuid PRIMARY KEY
);
INSERT INTO totals_to_rebuild (org_id) SELECT org_id FROM chains WHERE head_seq > 0;
