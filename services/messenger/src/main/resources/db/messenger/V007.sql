-- One event stream for the whole messenger instead of a copy of every event per member: an event
-- is one row whatever the size of its chat, and a membership change is one row too. Positions
-- are global, dense and assigned in commit order (under stream_head's row lock, taken last in
-- every writing transaction), so "everything after position N" never misses an event committed
-- later. A user's events are those of the chats they were a member of at the time: members
-- .joined_pos to now, or a closed period in member_periods.
CREATE TABLE stream_head (
    id             int    PRIMARY KEY CHECK (id = 1),
    -- The newest position given out (and committed, since the row stays locked to the commit).
    pos            bigint NOT NULL,
    -- Events up to this position are gone (pruned, or from before this stream existed): a client
    -- resuming from before it is told to resync.
    pruned_through bigint NOT NULL
);
-- The stream starts after every cursor the per-user logs gave out, so an old client cursor is
-- older than the stream and gets a resync rather than somebody else's events.
INSERT INTO stream_head (id, pos, pruned_through)
SELECT 1, m, m FROM (SELECT coalesce(max(last_cursor), 0) AS m FROM user_cursors) AS t;

CREATE TABLE stream_events (
    pos             bigint      PRIMARY KEY,
    conversation_id bigint      NOT NULL,
    -- A message's creation names the message (rendered as it is when read); other events keep their JSON.
    message_id      bigint,
    payload         bytea,
    -- Users who became members with this event, and users whose membership it ended (they get it
    -- too): what a replica's routing table and a resume's membership periods need.
    joined          bigint[],
    left_users      bigint[],
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((payload IS NULL) <> (message_id IS NULL))
);
CREATE INDEX stream_events_by_conversation ON stream_events (conversation_id, pos);

-- The position of the event that made the user a member (0: every event of the chat).
ALTER TABLE members ADD COLUMN joined_pos bigint NOT NULL DEFAULT 0;
-- Ended memberships, so a resume still returns a chat's events up to the user's own departure.
CREATE TABLE member_periods (
    user_id         bigint NOT NULL,
    conversation_id bigint NOT NULL,
    joined_pos      bigint NOT NULL,
    left_pos        bigint NOT NULL,
    PRIMARY KEY (user_id, left_pos, conversation_id)
);
-- Kept with the room's row (locked by every membership change), so a room's size is one read.
ALTER TABLE conversations ADD COLUMN member_count int NOT NULL DEFAULT 0;
UPDATE conversations c SET member_count = (SELECT count(*) FROM members m WHERE m.conversation_id = c.id);
-- Members are listed in pages by join order.
CREATE INDEX members_by_join ON members (conversation_id, joined_at, user_id);

DROP TABLE user_events;
DROP TABLE user_cursors;
