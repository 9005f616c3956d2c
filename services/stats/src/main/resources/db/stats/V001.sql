-- processed-message records, pre-aggregated counters and the consumer's offsets
-- One row per processed message: this row is the "processed" mark. message_id is the second guard
-- against double counting (the offsets below are the first).
CREATE TABLE processed_messages (
    message_id      bigint      PRIMARY KEY,
    conversation_id bigint      NOT NULL,
    sender_id       bigint      NOT NULL,
    -- distinct recipients, sender excluded: one "received" per element
    recipient_ids   bigint[]    NOT NULL,
    created_at      timestamptz NOT NULL,
    processed_at    timestamptz NOT NULL,
    event_id        text        NOT NULL
);
-- Range queries read raw rows only for the partial minutes at the edges of a range.
CREATE INDEX processed_messages_created ON processed_messages (created_at);
CREATE INDEX processed_messages_sender ON processed_messages (sender_id, created_at);
CREATE INDEX processed_messages_chat ON processed_messages (conversation_id, created_at);

-- Counts per metric, subject (user, chat, or 0 for totals), grain (bucket length in seconds) and
-- bucket (Unix second the bucket starts at, a multiple of grain). Updated in the transaction that
-- records the messages, so they always agree with processed_messages.
CREATE TABLE counters (
    metric  smallint NOT NULL,
    subject bigint   NOT NULL,
    grain   integer  NOT NULL,
    bucket  bigint   NOT NULL,
    n       bigint   NOT NULL,
    PRIMARY KEY (metric, subject, grain, bucket)
);
-- "Busiest senders/chats in a range" scans buckets of every subject (index-only).
CREATE INDEX counters_by_bucket ON counters (metric, grain, bucket) INCLUDE (subject, n);

-- Where each consumer group is, written in the same transaction as the rows it produced.
-- next_offset: first record not yet counted. published_offset: first record whose processed
-- event may not have reached Kafka yet (at most next_offset); a restarted consumer resumes there
-- and republishes without counting again.
CREATE TABLE consumer_offsets (
    group_id         text        NOT NULL,
    topic            text        NOT NULL,
    partition        integer     NOT NULL,
    next_offset      bigint      NOT NULL,
    published_offset bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, partition)
);
