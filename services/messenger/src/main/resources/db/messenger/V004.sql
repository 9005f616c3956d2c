-- The relay remembers the batch it is about to publish in one row, instead of flagging each outbox
-- row (an update, so a copy of the row, per message): after a crash between the Kafka commit and
-- the database commit, the pending rows listed here are the ones to look for on the topic first.
CREATE TABLE outbox_relay (
    id        int      PRIMARY KEY CHECK (id = 1),
    attempted bigint[] NOT NULL
);
INSERT INTO outbox_relay (id, attempted)
SELECT 1, coalesce(array_agg(id ORDER BY id), '{}') FROM outbox WHERE sent_at IS NULL AND attempted_at IS NOT NULL;
ALTER TABLE outbox DROP COLUMN attempted_at;
