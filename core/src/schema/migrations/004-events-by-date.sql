-- v3 → v4: events by business date, for reports and standings as of a date.
CREATE INDEX events_by_date ON events (org_id, business_date);
