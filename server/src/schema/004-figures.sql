-- The core's members, savings and meetings of a book as of a day, beside its
-- PAR30 and grade: a rollup of a block reads one row per group instead of
-- summing every month of every group's history. Rows from before this
-- version have none of them, and the rollup sums the journal for those.
ALTER TABLE figures_on
    ADD COLUMN members integer,
    ADD COLUMN savings bigint,
    ADD COLUMN meetings_3m integer;
