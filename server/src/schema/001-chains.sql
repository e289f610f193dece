-- daftar's programme server, schema 1. org_id leads every key, so each table
-- can be distributed by it on Citus (docs/server-scale.md); `orgs` is the
-- hierarchy and stays small enough to be a reference table.

CREATE TABLE orgs (
    org_id      uuid PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('state','district','block','clf','vo','shg','ngo','fund')),
    name        text NOT NULL,
    -- An outside programme's code for it (LokOS, NRLM); unique where given.
    code        text UNIQUE,
    parent_id   uuid REFERENCES orgs (org_id),
    -- Whether the server holds a book (a chain) for it, or only places it.
    has_book    boolean NOT NULL DEFAULT false,
    -- For a book: its currency and the places of its minor unit.
    currency    text,
    scale       smallint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> org_id)
);
CREATE INDEX orgs_parent ON orgs (parent_id);

-- One row per organisation's chain: its head and custody. A push locks it.
CREATE TABLE chains (
    org_id      uuid PRIMARY KEY,
    head_seq    bigint NOT NULL CHECK (head_seq >= 0),
    head_hash   bytea NOT NULL CHECK (length(head_hash) = 32),
    custody     jsonb NOT NULL,
    last_push_at timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The events, byte for byte as chained. Hash-partitioned by org_id.
CREATE TABLE events (
    org_id      uuid NOT NULL,
    seq         bigint NOT NULL CHECK (seq >= 1),
    hash        bytea NOT NULL CHECK (length(hash) = 32),
    op_id       uuid NOT NULL,
    kind        text NOT NULL,
    business_date date NOT NULL,
    device      text NOT NULL,
    canonical   bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, seq),
    UNIQUE (org_id, op_id)
) PARTITION BY HASH (org_id);

DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format(
            'CREATE TABLE events_p%s PARTITION OF events FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
            lpad(i::text, 2, '0'), i);
    END LOOP;
END $$;

-- Events may never change once stored.
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

-- The writer's signature over each pushed chunk's head: what a pull ends at.
CREATE TABLE signed_heads (
    org_id      uuid NOT NULL,
    seq         bigint NOT NULL,
    signer      bytea NOT NULL CHECK (length(signer) = 32),
    signature   bytea NOT NULL CHECK (length(signature) = 64),
    PRIMARY KEY (org_id, seq)
);

-- Events refused as forks or late writes: someone's real work, kept, never merged.
CREATE TABLE set_aside (
    org_id      uuid NOT NULL,
    seq         bigint NOT NULL,
    hash        bytea NOT NULL,
    canonical   bytea NOT NULL,
    code        text NOT NULL,
    device_key  bytea,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, seq, hash)
);

-- Devices registered with their Ed25519 key.
CREATE TABLE devices (
    key         bytea PRIMARY KEY CHECK (length(key) = 32),
    name        text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);

-- Organisations a device may read without holding custody (a restore, a
-- recovery), granted by an administrator.
CREATE TABLE device_grants (
    org_id      uuid NOT NULL,
    device_key  bytea NOT NULL REFERENCES devices (key),
    granted_by  text NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, device_key)
);

-- People who read through the API: a federation's staff (their subtree) or an
-- administrator (everything). Only a hash of the token is kept.
CREATE TABLE users (
    name        text PRIMARY KEY,
    token_sha256 bytea NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('federation','admin')),
    node_id     uuid REFERENCES orgs (org_id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (role = 'admin' OR node_id IS NOT NULL)
);

-- Every refusal, with who and what; never a member's data.
CREATE TABLE refusals (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    org_id      uuid,
    who         text NOT NULL,
    action      text NOT NULL,
    code        text NOT NULL,
    reason      text NOT NULL
);

-- Journal lines of accepted events, summed per organisation, month and account
-- header (a member's sub-ledger 2100-0007 counts under 2100). Debits positive.
CREATE TABLE month_totals (
    org_id      uuid NOT NULL,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    account     text NOT NULL,
    net         bigint NOT NULL,
    PRIMARY KEY (org_id, month, account)
);

-- Activity per organisation and month: meetings closed, members added.
CREATE TABLE month_activity (
    org_id      uuid NOT NULL,
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    meetings    integer NOT NULL DEFAULT 0,
    members_added integer NOT NULL DEFAULT 0,
    members_exited integer NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month)
);

-- What the core's own reports say of each organisation's books, as of its
-- last business date, refreshed after each accepted push.
CREATE TABLE org_figures (
    org_id      uuid PRIMARY KEY,
    consolidated_seq bigint NOT NULL,
    as_of       date NOT NULL,
    currency    text NOT NULL,
    scale       smallint NOT NULL,
    members     integer NOT NULL,
    savings     bigint NOT NULL,
    loans_outstanding bigint NOT NULL,
    par30_outstanding bigint NOT NULL,
    grade       text,
    grade_score numeric,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
