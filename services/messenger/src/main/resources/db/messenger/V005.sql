-- A message's creation is logged for each member by reference instead of a copy of the event per
-- member (N copies of the message in a room of N): the row names the message, and a resume
-- renders the event from the message as it is then. Other events keep their payload.
ALTER TABLE user_events ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE user_events ADD COLUMN message_id bigint;
-- NOT VALID: checked for new rows only, without scanning a large existing log.
ALTER TABLE user_events ADD CONSTRAINT user_events_payload_or_message
    CHECK ((payload IS NULL) <> (message_id IS NULL)) NOT VALID;
