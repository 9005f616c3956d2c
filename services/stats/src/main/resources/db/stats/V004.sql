-- counters ranked within each bucket, so a day's busiest users or chats are read first
DROP INDEX counters_by_bucket;
CREATE INDEX counters_ranked ON counters (metric, grain, bucket, n DESC, subject);
