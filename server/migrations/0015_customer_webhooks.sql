-- Outbound webhooks to customers (server/src/modules/whatsapp/webhooks-out/README.md): the endpoints
-- customers register, the events the platform emits for them (the outbox, written in the transaction
-- of the change that caused them), one delivery per event and endpoint, and every attempt made.

CREATE TABLE webhook_endpoints (
  id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id                   uuid NOT NULL REFERENCES users (id),
  url                         text NOT NULL CHECK (length(url) BETWEEN 10 AND 2000),
  description                 text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
  -- Event types subscribed to; '*' = every type, including types added later.
  event_types                 text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 50),
  -- wa_numbers ids whose events are sent; NULL = every number of the tenant.
  number_ids                  uuid[] CHECK (number_ids IS NULL OR cardinality(number_ids) BETWEEN 1 AND 100),
  -- standard: Standard Webhooks body and headers; meta: Meta's own payload and X-Hub-Signature-256.
  format                      text NOT NULL DEFAULT 'standard' CHECK (format IN ('standard', 'meta')),
  -- `whsec_…`, encrypted with the master key (platform/encryption.ts, context `webhook_endpoint:<id>:secret`).
  secret_enc                  text NOT NULL,
  -- After a rotation the old secret also signs until previous_secret_expires_at (24 h).
  previous_secret_enc         text,
  previous_secret_expires_at  timestamptz,
  secret_rotated_at           timestamptz,
  status                      text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
  -- manual: by the customer; gone: the endpoint answered 410; failing: every attempt failed for 5 days.
  disabled_reason             text CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  disabled_at                 timestamptz,
  -- Start of the current run of failed attempts (NULL after a success).
  failing_since               timestamptz,
  last_success_at             timestamptz,
  last_failure_at             timestamptz,
  created_by                  uuid REFERENCES users (id),
  created_at                  timestamptz NOT NULL DEFAULT now(),
  updated_at                  timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL)),
  CHECK ((previous_secret_enc IS NULL) = (previous_secret_expires_at IS NULL))
);
CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, created_at);

-- One row per event the platform emitted for a tenant with endpoints. The bodies are stored as the
-- exact bytes every delivery sends, so a retry or a replay carries the same content (and signature input).
CREATE TABLE webhook_events (
  id           text PRIMARY KEY CHECK (id ~ '^evt_[A-Za-z0-9_-]{22}$'),
  tenant_id    uuid NOT NULL REFERENCES users (id),
  number_id    uuid REFERENCES wa_numbers (id),
  type         text NOT NULL CHECK (type ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)*$'),
  -- The Standard Webhooks body: {"id","type","timestamp","number_id","data"}.
  body         text NOT NULL,
  -- Meta's envelope {"object":"whatsapp_business_account","entry":[…]}; NULL for events Meta has no shape for.
  meta_body    text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_events_tenant_idx ON webhook_events (tenant_id, created_at);
CREATE INDEX webhook_events_created_idx ON webhook_events (created_at);

-- The outbox proper: an event to send to one endpoint. `pending` rows are due at next_attempt_at;
-- a worker claims one by moving next_attempt_at past its lease and setting claim_token, so a worker
-- that dies mid-attempt leaves the row to be claimed again when the lease runs out.
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id         text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  tenant_id        uuid NOT NULL REFERENCES users (id),
  -- event: emitted; replay: asked for again (same event id); test: a ping.
  origin           text NOT NULL DEFAULT 'event' CHECK (origin IN ('event', 'replay', 'test')),
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  claim_token      uuid,
  last_status      integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz,
  CHECK ((state = 'pending') = (completed_at IS NULL))
);
-- What a worker claims: each endpoint's due rows, oldest first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

-- Every HTTP attempt: what came back (first 1 KB of the body), how long it took, or what went wrong.
CREATE TABLE webhook_attempts (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt          integer NOT NULL CHECK (attempt >= 1),
  started_at       timestamptz NOT NULL,
  duration_ms      integer NOT NULL CHECK (duration_ms >= 0),
  status_code      integer,
  response_body    text CHECK (octet_length(response_body) <= 1024),
  error            text,
  success          boolean NOT NULL,
  -- When the next try was scheduled after this one (NULL: delivered, or given up).
  next_attempt_at  timestamptz
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);
