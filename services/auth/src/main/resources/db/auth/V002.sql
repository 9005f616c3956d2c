-- Email addresses are proven by a mailed link before Courier sends them anything else. Only a
-- verified address is unique: a stranger who registers someone else's address first cannot lock
-- its owner out, and the owner who verifies it keeps it (the stranger's copy can never be verified).
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
DROP INDEX users_email_ci;
CREATE UNIQUE INDEX users_verified_email_ci ON users (lower(email)) WHERE email_verified_at IS NOT NULL;
CREATE INDEX users_email_ci_any ON users (lower(email));

-- Verification tokens are stored only as SHA-256 hashes; each proves one address for one account.
CREATE TABLE email_verifications (
    token_hash bytea PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX email_verifications_user ON email_verifications (user_id);
