-- The built-in Cloud API simulator (server/src/modules/meta-sandbox): simulated business accounts,
-- phone numbers, access tokens, WhatsApp users, templates, media and messages, and the webhooks it
-- owes the platform. It is mounted only without a real Meta app and never in production; nothing
-- here is platform data. Everything lives in the database so every instance, and a worker after a
-- restart, sees the same simulated world.

CREATE TABLE meta_sandbox_wabas (
  id                   text PRIMARY KEY CHECK (id ~ '^[0-9]{15}$'),
  name                 text NOT NULL,
  -- Management calls (templates, phone number lists) per hour before 80007 (Meta: 200, 5,000 for active WABAs).
  mgmt_calls_per_hour  integer NOT NULL DEFAULT 5000 CHECK (mgmt_calls_per_hour > 0),
  created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meta_sandbox_numbers (
  id                    text PRIMARY KEY CHECK (id ~ '^[0-9]{15}$'),
  waba_id               text NOT NULL REFERENCES meta_sandbox_wabas (id),
  -- Digits only, as webhooks carry it in metadata.display_phone_number.
  display_phone_number  text NOT NULL UNIQUE CHECK (display_phone_number ~ '^[0-9]{8,15}$'),
  verified_name         text NOT NULL,
  quality_rating        text NOT NULL DEFAULT 'GREEN' CHECK (quality_rating IN ('GREEN', 'YELLOW', 'RED', 'UNKNOWN')),
  messaging_limit_tier  text NOT NULL DEFAULT 'TIER_250' CHECK (messaging_limit_tier IN ('TIER_50', 'TIER_250', 'TIER_1K', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED')),
  throughput_level      text NOT NULL DEFAULT 'STANDARD' CHECK (throughput_level IN ('STANDARD', 'HIGH', 'NOT_APPLICABLE')),
  -- Messages per second before 130429 (Meta: 80 by default, 1,000 after an upgrade).
  mps                   integer NOT NULL DEFAULT 80 CHECK (mps BETWEEN 1 AND 100000),
  -- Messages to one user per 6 s before 131056 (Meta: 1 per 6 s, bursts up to 45).
  pair_limit            integer NOT NULL DEFAULT 45 CHECK (pair_limit BETWEEN 1 AND 100000),
  -- A restricted number refuses every send: 368 (policy) or 131048 (spam rate limit).
  restriction           text CHECK (restriction IN ('policy_blocked', 'spam_rate_limited')),
  -- How statuses of one message travel: one POST each, all in one POST, or either (decided per message).
  webhook_batching      text NOT NULL DEFAULT 'sometimes' CHECK (webhook_batching IN ('never', 'sometimes', 'always')),
  -- Deliver every status webhook twice, as Meta's retries can.
  duplicate_webhooks    boolean NOT NULL DEFAULT false,
  created_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meta_sandbox_numbers_waba_idx ON meta_sandbox_numbers (waba_id);

-- Access tokens are stored as their SHA-256; the token itself is shown once, when minted.
CREATE TABLE meta_sandbox_tokens (
  token_hash  text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  waba_id     text NOT NULL REFERENCES meta_sandbox_wabas (id),
  expires_at  timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meta_sandbox_tokens_waba_idx ON meta_sandbox_tokens (waba_id);

-- Simulated WhatsApp users (recipients and senders). A number never configured here is a plain,
-- reachable user who reads what they receive.
CREATE TABLE meta_sandbox_users (
  wa_id          text PRIMARY KEY CHECK (wa_id ~ '^[0-9]{7,15}$'),
  profile_name   text NOT NULL,
  -- Not on WhatsApp: 'async' = accepted, then a failed status 131026; 'sync' = refused with 131026.
  undeliverable  text CHECK (undeliverable IN ('async', 'sync')),
  auto_read      boolean NOT NULL DEFAULT true,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One simulated user with one business number: the customer-service window and marketing choice.
CREATE TABLE meta_sandbox_conversations (
  phone_number_id    text NOT NULL REFERENCES meta_sandbox_numbers (id),
  wa_id              text NOT NULL CHECK (wa_id ~ '^[0-9]{7,15}$'),
  -- The customer-service window is open for 24 h after the user's last message.
  last_inbound_at    timestamptz,
  -- A Click-to-WhatsApp ad reply opens a 72 h free entry point.
  entry_point_until  timestamptz,
  -- 'stopped' = the user stopped marketing messages (131050); 'capped' = per-user marketing cap (131049).
  marketing          text NOT NULL DEFAULT 'subscribed' CHECK (marketing IN ('subscribed', 'stopped', 'capped')),
  last_message_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (phone_number_id, wa_id)
);
CREATE INDEX meta_sandbox_conversations_recent_idx ON meta_sandbox_conversations (phone_number_id, last_message_at DESC);

CREATE TABLE meta_sandbox_templates (
  id                text PRIMARY KEY CHECK (id ~ '^[0-9]{15}$'),
  waba_id           text NOT NULL REFERENCES meta_sandbox_wabas (id),
  name              text NOT NULL,
  language          text NOT NULL,
  category          text NOT NULL CHECK (category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
  status            text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'LIMIT_EXCEEDED', 'ARCHIVED', 'LOCKED')),
  parameter_format  text NOT NULL DEFAULT 'POSITIONAL' CHECK (parameter_format IN ('POSITIONAL', 'NAMED')),
  components        jsonb NOT NULL,
  -- Template pacing: sends answer message_status held_for_quality_assessment.
  quality_pacing    boolean NOT NULL DEFAULT false,
  rejected_reason   text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT meta_sandbox_templates_name_language UNIQUE (waba_id, name, language)
);

CREATE TABLE meta_sandbox_media (
  id               text PRIMARY KEY CHECK (id ~ '^[0-9]{15,16}$'),
  phone_number_id  text NOT NULL REFERENCES meta_sandbox_numbers (id),
  mime_type        text NOT NULL,
  sha256           text NOT NULL,
  file_size        bigint NOT NULL CHECK (file_size >= 0),
  filename         text,
  content          bytea NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meta_sandbox_media_number_idx ON meta_sandbox_media (phone_number_id, created_at);

-- What passed between a number and a simulated user: "what the phone received" and what it sent.
CREATE TABLE meta_sandbox_messages (
  id                        text PRIMARY KEY,
  phone_number_id           text NOT NULL REFERENCES meta_sandbox_numbers (id),
  wa_id                     text NOT NULL,
  direction                 text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  type                      text NOT NULL,
  -- Outbound: the request body as sent; inbound: the message object as webhooked.
  content                   jsonb NOT NULL,
  template_id               text,
  -- Pricing category of an outbound message: marketing, utility, authentication or service.
  category                  text,
  status                    text NOT NULL CHECK (status IN ('accepted', 'sent', 'delivered', 'read', 'failed', 'received')),
  error_code                integer,
  biz_opaque_callback_data  text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meta_sandbox_messages_conversation_idx ON meta_sandbox_messages (phone_number_id, wa_id, created_at);

-- Webhooks owed to the platform: the exact bytes signed and sent (so a retry sends the same bytes),
-- delivered by the meta-sandbox.webhook job until accepted.
CREATE TABLE meta_sandbox_webhooks (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  waba_id          text NOT NULL,
  phone_number_id  text,
  field            text NOT NULL,
  body             text NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  last_status      integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meta_sandbox_webhooks_recent_idx ON meta_sandbox_webhooks (created_at DESC);
CREATE INDEX meta_sandbox_webhooks_number_idx ON meta_sandbox_webhooks (phone_number_id, created_at DESC);
