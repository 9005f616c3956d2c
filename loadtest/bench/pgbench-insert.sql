-- One message row per transaction (pgbench wraps each script run in its own implicit transaction).
\set conversation random(1, 1000)
\set sender random(1, 10000)
INSERT INTO bench_message (conversation_id, sender_id, client_id, text)
VALUES (:conversation, :sender, gen_random_uuid()::text, 'hello from pgbench, a message of a typical length');
