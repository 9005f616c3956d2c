-- one row per delivery, so a user's received messages in a partial day are an index range scan
-- (the GIN index on recipient_ids made PostgreSQL AND it with a scan of every message in the range).
CREATE TABLE receipts (
    recipient_id bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    message_id   bigint      NOT NULL,
    PRIMARY KEY (recipient_id, created_at, message_id)
);
INSERT INTO receipts (recipient_id, created_at, message_id)
SELECT r, created_at, message_id FROM processed_messages, unnest(recipient_ids) AS r;
DROP INDEX processed_messages_recipients;
