-- A deleted room keeps its row and its messages (outbox rows already written are still published,
-- so Kafka consumers see a consistent stream) but has no members and frees its name.
ALTER TABLE conversations ADD COLUMN deleted_at timestamptz;
