-- The WhatsApp Business API platform's own data (server/src/modules/whatsapp, README.md there):
-- connected numbers, API keys, contacts and consent, the message log with its status history, the raw
-- webhook events Meta sent, the price table, and idempotency records of the public APIs.
-- A tenant is the customer account (users.id) that connected the number; every row carries it.

-- A customer's WhatsApp Business number. The access token (and optional app secret) are encrypted
-- with the platform's master key (platform/encryption.ts encryptString, context `wa_number:<id>:<field>`).
CREATE TABLE wa_numbers (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id             uuid NOT NULL REFERENCES users (id),
  label                 text NOT NULL DEFAULT '' CHECK (length(label) <= 80),
  waba_id               text NOT NULL CHECK (waba_id ~ '^[0-9]{5,20}$'),
  phone_number_id       text NOT NULL CHECK (phone_number_id ~ '^[0-9]{5,20}$'),
  access_token_enc      text NOT NULL,
  -- The customer's own Meta app (optional): its secret verifies webhooks for this number.
  app_secret_enc        text,
  -- SHA-256 (hex) of the customer's own verify token, for Meta's GET handshake.
  verify_token_hash     text CHECK (verify_token_hash ~ '^[0-9a-f]{64}$'),
  -- What Graph said at the last check (GET /{phone-number-id}).
  display_phone_number  text,
  verified_name         text,
  quality_rating        text,
  messaging_limit_tier  text,
  throughput_level      text,
  -- Messages per second the platform paces sends to (80 standard, 1,000 high; Meta's throughput).
  mps                   integer NOT NULL DEFAULT 80 CHECK (mps BETWEEN 1 AND 100000),
  status                text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'error', 'disconnected')),
  last_checked_at       timestamptz,
  last_error            text,
  token_rotated_at      timestamptz,
  created_by            uuid REFERENCES users (id),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  disconnected_at       timestamptz
);
-- A Meta phone number belongs to one tenant at a time: webhooks are routed by phone_number_id.
CREATE UNIQUE INDEX wa_numbers_phone_live_idx ON wa_numbers (phone_number_id) WHERE status <> 'disconnected';
CREATE INDEX wa_numbers_tenant_idx ON wa_numbers (tenant_id, created_at);

-- API keys: `sk_<prefix>_<secret>`; only SHA-256(secret) is stored (a 256-bit random secret needs no
-- slow hash). The prefix is public and finds the row; the secret is compared in constant time.
CREATE TABLE api_keys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES users (id),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  prefix        text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-z]{12}$'),
  secret_hash   text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  -- Permissions (whatsapp/api-keys/api-key-auth.ts SCOPES).
  scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0),
  -- The numbers (wa_numbers.id) the key may use; NULL = every number of the tenant.
  number_ids    uuid[],
  created_by    uuid REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz,
  last_used_at  timestamptz,
  last_used_ip  text,
  revoked_at    timestamptz,
  revoked_by    uuid REFERENCES users (id)
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);

-- Responses of the public APIs to requests carrying an Idempotency-Key, replayed for 24 hours.
-- A row with `response_status` NULL is a request still running (a concurrent retry gets 409).
CREATE TABLE api_idempotency (
  tenant_id        uuid NOT NULL REFERENCES users (id),
  key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash     text NOT NULL,
  response_status  integer,
  response_body    jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX api_idempotency_created_idx ON api_idempotency (created_at);

-- People a tenant messages. `wa_id` is digits only (country code first), as Meta writes it.
-- The consent columns are the current state; wa_consent_events is the append-only history and proof.
CREATE TABLE wa_contacts (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id               uuid NOT NULL REFERENCES users (id),
  wa_id                   text NOT NULL CHECK (wa_id ~ '^[0-9]{6,15}$'),
  name                    text CHECK (length(name) <= 200),
  profile_name            text,
  tags                    text[] NOT NULL DEFAULT '{}',
  -- Business-initiated (template) messages need a recorded opt-in and no later opt-out.
  opted_in_at             timestamptz,
  opted_out_at            timestamptz,
  -- Marketing only: Meta's user_preferences "stop", error 131050, or the customer's own choice.
  marketing_opted_out_at  timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, wa_id)
);
CREATE INDEX wa_contacts_tags_idx ON wa_contacts USING gin (tags);

CREATE TABLE wa_consent_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES users (id),
  contact_id   uuid NOT NULL REFERENCES wa_contacts (id),
  -- opt_in / opt_out: all business-initiated messages; marketing_stop / marketing_resume: marketing only.
  action       text NOT NULL CHECK (action IN ('opt_in', 'opt_out', 'marketing_stop', 'marketing_resume')),
  -- Where it came from: ui, api, import, keyword (inbound STOP/START), meta_user_preferences, meta_131050, …
  source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 40),
  evidence     text CHECK (length(evidence) <= 2000),
  ip           text,
  document_ref text,
  -- The inbound message or webhook event that caused it, when there is one.
  message_id   uuid,
  actor_type   text NOT NULL,
  actor_id     uuid,
  occurred_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wa_consent_events_contact_idx ON wa_consent_events (contact_id, occurred_at);

-- The 24-hour customer-service window: opened by each inbound message, per business number and user.
CREATE TABLE wa_service_windows (
  number_id        uuid NOT NULL REFERENCES wa_numbers (id),
  wa_id            text NOT NULL,
  last_inbound_at  timestamptz NOT NULL,
  PRIMARY KEY (number_id, wa_id)
);

-- Every message in either direction.
CREATE TABLE wa_messages (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES users (id),
  number_id           uuid NOT NULL REFERENCES wa_numbers (id),
  direction           text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  -- Meta's message id; NULL for an outbound message not (yet) accepted by Meta.
  wamid               text,
  -- The other party: recipient of an outbound message, sender of an inbound one (digits only).
  wa_id               text NOT NULL,
  type                text NOT NULL,
  -- The message object as sent to Meta (outbound) or as received (inbound).
  content             jsonb NOT NULL,
  template_name       text,
  template_language   text,
  -- Billing category expected at send (marketing, utility, authentication, service), then Meta's.
  category            text,
  media_ref           text,
  context_wamid       text,
  biz_opaque_callback_data text,
  -- outbound: queued → accepted → sent → delivered → read, or failed; inbound: received.
  status              text NOT NULL CHECK (status IN ('queued', 'accepted', 'sent', 'delivered', 'read', 'failed', 'received')),
  status_at           timestamptz NOT NULL DEFAULT now(),
  error_code          integer,
  error_title         text,
  error_details       text,
  -- From the status webhook's pricing object.
  pricing_type        text,
  pricing_category    text,
  -- Money: reserved at send (credit lease usage or a hold), what was finally charged.
  reserved_paise      bigint NOT NULL DEFAULT 0 CHECK (reserved_paise >= 0),
  charged_paise       bigint CHECK (charged_paise >= 0),
  billing_state       text NOT NULL DEFAULT 'none' CHECK (billing_state IN ('none', 'reserved', 'charged', 'released')),
  hold_id             uuid,
  -- Who sent it: api (/v1), graph (/graph), ui, automation, campaign, inbox; inbound: meta.
  source              text NOT NULL,
  api_key_id          uuid REFERENCES api_keys (id),
  sent_by             uuid REFERENCES users (id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz,
  delivered_at        timestamptz,
  read_at             timestamptz,
  failed_at           timestamptz
);
CREATE UNIQUE INDEX wa_messages_wamid_idx ON wa_messages (number_id, direction, wamid) WHERE wamid IS NOT NULL;
CREATE INDEX wa_messages_tenant_time_idx ON wa_messages (tenant_id, created_at DESC);
CREATE INDEX wa_messages_contact_idx ON wa_messages (tenant_id, wa_id, created_at DESC);
CREATE INDEX wa_messages_wamid_lookup_idx ON wa_messages (wamid) WHERE wamid IS NOT NULL;

-- Status reports per Meta message id, kept even when they arrive before the send recorded the wamid
-- (a webhook can overtake the Graph response). (wamid, status) is the dedupe key Meta's docs suggest.
CREATE TABLE wa_status_events (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  wamid             text NOT NULL,
  status            text NOT NULL,
  occurred_at       timestamptz NOT NULL,
  recipient_id      text,
  pricing           jsonb,
  conversation      jsonb,
  errors            jsonb,
  webhook_event_id  uuid,
  received_at       timestamptz NOT NULL DEFAULT now(),
  -- Set once the status was applied to its wa_messages row.
  applied_at        timestamptz,
  UNIQUE (wamid, status)
);
CREATE INDEX wa_status_events_unapplied_idx ON wa_status_events (received_at) WHERE applied_at IS NULL;

-- Every POST Meta (or the simulator) made to /webhooks/whatsapp, stored before the 200, byte for byte.
CREATE TABLE wa_webhook_events (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  received_at    timestamptz NOT NULL DEFAULT now(),
  raw_body       text NOT NULL,
  -- Which secret verified it: the platform's Meta app, or a number's own app.
  verified_by    text NOT NULL CHECK (verified_by IN ('platform', 'number')),
  state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processed', 'failed')),
  attempts       integer NOT NULL DEFAULT 0,
  processed_at   timestamptz,
  last_error     text
);
CREATE INDEX wa_webhook_events_pending_idx ON wa_webhook_events (received_at) WHERE state <> 'processed';

-- What a message costs the customer, by Meta's pricing category and the recipient's calling code
-- ('*' = any country without its own row). Meta's rate in milli-paise (₹0.8631 = 86,310), the
-- platform's markup in basis points; price_paise is what the wallet is charged (rounded up).
-- Rows are never changed: a new row with a later effective_from replaces a price.
CREATE TABLE wa_prices (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  category            text NOT NULL CHECK (category IN ('marketing', 'utility', 'authentication', 'authentication_international', 'service')),
  country_code        text NOT NULL CHECK (country_code ~ '^([0-9]{1,4}|\*)$'),
  meta_rate_millipaise bigint NOT NULL CHECK (meta_rate_millipaise >= 0),
  markup_bps          integer NOT NULL CHECK (markup_bps BETWEEN 0 AND 100000),
  -- ceil(meta_rate_millipaise × (10000 + markup_bps) / 10,000,000), so price and rate never disagree.
  price_paise         bigint NOT NULL CHECK (price_paise = (meta_rate_millipaise * (10000 + markup_bps) + 9999999) / 10000000),
  effective_from      timestamptz NOT NULL,
  created_by          uuid REFERENCES users (id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (category, country_code, effective_from)
);

-- India's rates from 2026-10-01 (CONTRACT.md §8) and a rest-of-world default, with a 20 % markup.
-- price_paise = ceil(meta_rate_millipaise × (10000 + markup_bps) / 10000 / 1000).
INSERT INTO wa_prices (category, country_code, meta_rate_millipaise, markup_bps, price_paise, effective_from) VALUES
  ('marketing',                  '91', 86310, 2000, 104, '2026-01-01T00:00:00+05:30'),
  ('utility',                    '91', 11500, 2000, 14,  '2026-01-01T00:00:00+05:30'),
  ('authentication',             '91', 11500, 2000, 14,  '2026-01-01T00:00:00+05:30'),
  ('authentication_international','91', 230000, 2000, 276, '2026-01-01T00:00:00+05:30'),
  ('service',                    '91', 11500, 2000, 14,  '2026-01-01T00:00:00+05:30'),
  ('marketing',                  '*', 500000, 2000, 600, '2026-01-01T00:00:00+05:30'),
  ('utility',                    '*', 150000, 2000, 180, '2026-01-01T00:00:00+05:30'),
  ('authentication',             '*', 150000, 2000, 180, '2026-01-01T00:00:00+05:30'),
  ('authentication_international','*', 300000, 2000, 360, '2026-01-01T00:00:00+05:30'),
  ('service',                    '*', 150000, 2000, 180, '2026-01-01T00:00:00+05:30');
