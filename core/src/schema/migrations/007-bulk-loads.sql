-- v6 → v7: a bulk load (the demo, an import) is marked here when it starts and
-- unmarked in its last commit, so a load killed part-way is seen as unfinished.
CREATE TABLE bulk_loads (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL
) STRICT;
