-- v10 → v11: an entry's narration is kept as facts (which member, loan,
-- meeting: narration.rs) and put into words in the reader's language, not
-- stored as English. The tables do not change; store.rs's fill_narrations
-- rewrites the core's own narrations from their events, as a replay would.
-- A person's own words are kept as they are.
SELECT 1;
