-- Conversations (direct and room), members, messages, the outbox and the per-user event log
CREATE TABLE conversations (
    id               bigserial PRIMARY KEY,
    kind             text        NOT NULL CHECK (kind IN ('direct', 'room')),
    -- Rooms only: display name, its case-insensitive unique key, visibility and owner.
    name             text,
    name_key         text UNIQUE,
    private          boolean     NOT NULL DEFAULT false,
    owner_id         bigint,
    -- Direct chats only: the two users, lower id first, so a pair has exactly one chat.
    direct_low       bigint,
    direct_high      bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    last_message_id  bigint,
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (direct_low, direct_high),
    CHECK ((kind = 'direct') = (direct_low IS NOT NULL AND direct_high IS NOT NULL)),
    CHECK ((kind = 'room') = (name IS NOT NULL))
);

CREATE TABLE members (
    conversation_id      bigint      NOT NULL REFERENCES conversations (id),
    user_id              bigint      NOT NULL,
    role                 text        NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member')),
    joined_at            timestamptz NOT NULL DEFAULT now(),
    -- Read marker: every message with an id up to this one has been read by this member.
    last_read_message_id bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX members_by_user ON members (user_id);

CREATE TABLE messages (
    id              bigserial PRIMARY KEY,
    conversation_id bigint      NOT NULL REFERENCES conversations (id),
    sender_id       bigint      NOT NULL,
    -- The client-supplied id that makes a retried send idempotent (unique per sender).
    client_id       text,
    text            text,
    -- End-to-end encrypted payload, stored and forwarded without being read.
    ciphertext      text,
    nonce           text,
    envelopes       jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    edited_at       timestamptz,
    deleted         boolean     NOT NULL DEFAULT false,
    -- Set when the stats service reports the message processed (courier.messages.processed.v1).
    processed_at    timestamptz,
    UNIQUE (sender_id, client_id)
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

-- Transactional outbox: written with the message, published to Kafka by the relay in id order.
CREATE TABLE outbox (
    id              bigint PRIMARY KEY,
    conversation_id bigint      NOT NULL,
    payload         bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE SEQUENCE outbox_id_seq OWNED BY outbox.id;
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;

-- Per-user durable event log; the cursor is per user, dense and assigned under a row lock on
-- user_cursors, so cursor order is commit order and a resume "after N" never skips an event.
CREATE TABLE user_cursors (
    user_id     bigint PRIMARY KEY,
    last_cursor bigint NOT NULL
);

CREATE TABLE user_events (
    user_id    bigint      NOT NULL,
    cursor     bigint      NOT NULL,
    payload    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, cursor)
);
