-- per-user and per-chat counters by whole days only; recipients indexed for the partial days
-- At minute and hour grain a user's or chat's counters hold about one row per message (10 million
-- messages made tens of millions of rows); the partial days at a range's edges are read from that
-- user's or chat's indexed raw rows instead. Totals keep every grain.
DELETE FROM counters WHERE metric IN (3, 4, 5) AND grain < 86400;
CREATE INDEX processed_messages_recipients ON processed_messages USING gin (recipient_ids);
