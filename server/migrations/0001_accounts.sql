-- Accounts, sessions, one-time tokens, communication preferences.

CREATE TABLE users (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  email               text NOT NULL CHECK (email = lower(email)),
  mobile              text CHECK (mobile ~ '^\+91[6-9][0-9]{9}$'), -- NULL only for admins made by the CLI
  password_hash       text NOT NULL,
  role                text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'operator', 'admin')),
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  language            text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'hi')),
  email_verified_at   timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE UNIQUE INDEX users_mobile_key ON users (mobile);
CREATE INDEX users_created_at_idx ON users (created_at DESC);

-- The cookie carries a random 256-bit token; only its SHA-256 is stored, so a copy of this table
-- cannot be replayed as sessions. `id` is the public handle used to list and revoke.
CREATE TABLE sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash     bytea NOT NULL UNIQUE,
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token     text NOT NULL,
  ip             text,
  user_agent     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at DESC);

CREATE TABLE one_time_tokens (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, purpose);

-- One row per (topic, channel) the user has decided on, with the time of that decision.
CREATE TABLE communication_preferences (
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  topic      text NOT NULL CHECK (topic IN ('service_updates', 'wallet', 'marketing')),
  channel    text NOT NULL CHECK (channel IN ('email', 'whatsapp', 'in_app')),
  enabled    boolean NOT NULL,
  given_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, topic, channel)
);

-- Fixed-window counters for rate limits and login throttling, shared by every instance.
CREATE TABLE rate_limit_buckets (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits         integer NOT NULL
);
CREATE INDEX rate_limit_buckets_window_idx ON rate_limit_buckets (window_start);

CREATE TABLE mail_outbox (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  to_address text NOT NULL,
  subject    text NOT NULL,
  body_text  text,
  purpose    text NOT NULL,
  user_id    uuid REFERENCES users (id) ON DELETE SET NULL,
  status     text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'sandbox', 'failed')),
  attempts   integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz
);
CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at DESC);
