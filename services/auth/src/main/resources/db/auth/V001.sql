-- users, ES256 signing keys and password reset tokens
CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text        NOT NULL,
    email               text        NOT NULL,
    display_name        text        NOT NULL,
    -- PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash): the parameters travel with the hash.
    password_hash       text        NOT NULL,
    -- "user" for everyone; operators add "admin" (see services/auth/README.md).
    roles               text[]      NOT NULL DEFAULT ARRAY['user']::text[],
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
-- Uniqueness is case-insensitive: "Alice" and "alice" are the same account name.
CREATE UNIQUE INDEX users_username_ci ON users (lower(username));
CREATE UNIQUE INDEX users_email_ci ON users (lower(email));
-- Prefix search on names uses these (LIKE 'abc%' with text_pattern_ops).
CREATE INDEX users_username_prefix ON users (lower(username) text_pattern_ops);
CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops);

-- The keyring shared by every auth replica. The newest non-retired key signs; retired keys stay in
-- the JWKS until every token they signed has expired. The private key is PKCS#8 DER; production
-- wraps it with a KMS or supplies it from a Kubernetes Secret (courier.auth.signingkey).
CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    private_key bytea       NOT NULL,
    public_key  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    retired_at  timestamptz
);

-- Reset tokens are stored only as SHA-256 hashes; a row is usable once, until expires_at.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id);
