-- Outbox rows remember a publish attempt, so a relay can check Kafka before publishing them again
ALTER TABLE outbox ADD COLUMN attempted_at timestamptz;
