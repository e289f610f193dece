-- People signed in on the federation's pages. A session's id lives only in
-- its cookie; the server keeps its SHA-256, who it is, its forms' CSRF token
-- and when it ends.
CREATE TABLE web_sessions (
    id_sha256   bytea PRIMARY KEY CHECK (length(id_sha256) = 32),
    user_name   text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
