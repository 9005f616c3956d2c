-- One replica at a time holds the publishing role, as a lease its relay renews with every batch,
-- and publishes with one Kafka transactional id per database (publisher_id): the next holder's
-- producer then fences the previous one, so a relay that died in the middle of a Kafka transaction
-- no longer holds read_committed consumers back until the broker times that transaction out, and
-- one that was only paused can no longer commit a batch a later holder has published again.
-- A table of its own, not columns of outbox_relay: a batch's transaction renews the lease and
-- keeps that row locked until it ends, while it lists its rows in outbox_relay from another
-- connection before publishing.
CREATE TABLE outbox_publisher (
    id           int         PRIMARY KEY CHECK (id = 1),
    publisher_id text        NOT NULL,
    holder       text,
    held_until   timestamptz
);
INSERT INTO outbox_publisher (id, publisher_id) VALUES (1, gen_random_uuid()::text);
