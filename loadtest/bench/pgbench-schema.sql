-- The reference table for pgbench: shaped like messenger's message row (conversation, sender,
-- client id for idempotency, body, time), with the same kind of indexes, in a scratch database.
DROP TABLE IF EXISTS bench_message;
CREATE TABLE bench_message (
    id              bigserial PRIMARY KEY,
    conversation_id bigint      NOT NULL,
    sender_id       bigint      NOT NULL,
    client_id       text        NOT NULL,
    text            text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (sender_id, client_id)
);
CREATE INDEX bench_message_history ON bench_message (conversation_id, id);
