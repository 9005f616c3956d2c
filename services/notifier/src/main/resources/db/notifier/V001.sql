-- notifier: VAPID keys, push subscriptions, preferences, mutes, processed events, delivery log, email batches
CREATE TABLE secret (
    name       text PRIMARY KEY,
    value      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE subscription (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL,
    endpoint   text NOT NULL UNIQUE,
    p256dh     text NOT NULL,
    auth       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX subscription_user ON subscription (user_id);

CREATE TABLE preference (
    user_id    bigint PRIMARY KEY,
    push       boolean NOT NULL,
    email      boolean NOT NULL,
    previews   boolean NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE mute (
    user_id bigint NOT NULL,
    chat_id bigint NOT NULL,
    until   timestamptz NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);

CREATE TABLE processed_event (
    event_id     text PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE delivery_attempt (
    id              bigserial PRIMARY KEY,
    event_id        text NOT NULL,
    user_id         bigint NOT NULL,
    channel         text NOT NULL,
    subscription_id bigint,
    attempt         int NOT NULL,
    status          int,
    outcome         text NOT NULL,
    latency_ms      bigint NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_attempt_event ON delivery_attempt (event_id);
CREATE INDEX delivery_attempt_user ON delivery_attempt (user_id, created_at);

CREATE TABLE email_pending (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL,
    chat_id     bigint NOT NULL,
    message_id  bigint NOT NULL,
    event_id    text NOT NULL,
    address     text NOT NULL,
    sender_name text NOT NULL,
    preview     text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX email_pending_unsent ON email_pending (user_id, chat_id) WHERE sent_at IS NULL;

CREATE TABLE email_window (
    user_id      bigint NOT NULL,
    chat_id      bigint NOT NULL,
    last_sent_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);
