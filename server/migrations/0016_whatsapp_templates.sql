-- WhatsApp message templates (server/src/modules/whatsapp/templates/README.md): the tenant's copy of the
-- templates of each WhatsApp Business Account (WABA) it connected, their status as Meta last reported
-- it, the history of every status report, and the state of the periodic sync per business account.

CREATE TABLE wa_templates (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES users (id),
  waba_id             text NOT NULL CHECK (waba_id ~ '^[0-9]{5,20}$'),
  -- The number whose access token submitted it; NULL for a template a sync found at Meta.
  number_id           uuid REFERENCES wa_numbers (id),
  -- Meta's id (hsm_id); NULL only while Meta has not answered the create.
  meta_template_id    text CHECK (meta_template_id ~ '^[0-9]{1,32}$'),
  name                text NOT NULL CHECK (name ~ '^[a-z0-9_]+$' AND length(name) <= 512),
  language            text NOT NULL CHECK (language ~ '^[a-z]{2,3}(_[A-Za-z]{2,4})?$'),
  -- The category Meta applies (it may re-categorise); requested_category is what the customer chose.
  category            text NOT NULL CHECK (category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
  requested_category  text CHECK (requested_category IN ('MARKETING', 'UTILITY', 'AUTHENTICATION')),
  parameter_format    text NOT NULL DEFAULT 'POSITIONAL' CHECK (parameter_format IN ('POSITIONAL', 'NAMED')),
  -- Meta's component objects (HEADER, BODY, FOOTER, BUTTONS) with their examples, as Meta holds them.
  components          jsonb NOT NULL CHECK (jsonb_typeof(components) = 'array'),
  -- Meta's status words (PENDING, APPROVED, REJECTED, PAUSED, DISABLED, IN_APPEAL, …); Meta adds new
  -- ones over time, so any upper-case word is kept rather than refused.
  status              text NOT NULL CHECK (status ~ '^[A-Z_]{1,40}$'),
  -- Meta's reason for the status (INVALID_FORMAT, …) and its explanations, shown to the customer.
  reason              text CHECK (length(reason) <= 200),
  rejection_info      jsonb,
  other_info          jsonb,
  disable_info        jsonb,
  -- When the event behind the current status happened (a webhook's entry.time, a sync's fetch time):
  -- a report older than this never overwrites the status (webhooks arrive late and out of order).
  status_at           timestamptz NOT NULL,
  quality_score       text CHECK (quality_score ~ '^[A-Z_]{1,20}$'),
  quality_at          timestamptz,
  -- platform: created here; meta: created elsewhere (Business Manager, another tool) and found by a sync.
  source              text NOT NULL CHECK (source IN ('platform', 'meta')),
  created_by          uuid REFERENCES users (id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  submitted_at        timestamptz,
  last_seen_at        timestamptz,
  deleted_at          timestamptz,
  CHECK ((deleted_at IS NULL) = (status <> 'DELETED'))
);
-- One live template per name and language in a business account, as at Meta.
CREATE UNIQUE INDEX wa_templates_live_name_idx ON wa_templates (tenant_id, waba_id, name, language) WHERE deleted_at IS NULL;
CREATE INDEX wa_templates_meta_id_idx ON wa_templates (waba_id, meta_template_id) WHERE meta_template_id IS NOT NULL;
CREATE INDEX wa_templates_tenant_idx ON wa_templates (tenant_id, created_at DESC);

-- Every status report about a template, applied or not: Meta's webhook events, what a sync saw, and
-- the platform's own steps (submitted, deleted). `dedupe_key` makes a repeated webhook a no-op.
CREATE TABLE wa_template_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  template_id   uuid NOT NULL REFERENCES wa_templates (id),
  tenant_id     uuid NOT NULL REFERENCES users (id),
  -- Meta's event word (APPROVED, PAUSED, FLAGGED, REINSTATED, …) or SUBMITTED / DELETED / IMPORTED.
  event         text NOT NULL CHECK (event ~ '^[A-Z_]{1,40}$'),
  -- The status the template has after this report (unchanged when the report was stale).
  status        text NOT NULL CHECK (status ~ '^[A-Z_]{1,40}$'),
  reason        text CHECK (length(reason) <= 200),
  details       jsonb NOT NULL DEFAULT '{}',
  source        text NOT NULL CHECK (source IN ('platform', 'webhook', 'sync')),
  occurred_at   timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  -- false: the report was older than the status the template already had, and changed nothing.
  applied       boolean NOT NULL,
  dedupe_key    text NOT NULL CHECK (length(dedupe_key) <= 300),
  UNIQUE (template_id, dedupe_key)
);
CREATE INDEX wa_template_events_template_idx ON wa_template_events (template_id, id);

-- The template sync of one tenant's business account: a lease so one instance syncs at a time, and
-- the back-off after Meta's management rate limit (error 80007), which is per business account.
CREATE TABLE wa_template_syncs (
  tenant_id        uuid NOT NULL REFERENCES users (id),
  waba_id          text NOT NULL CHECK (waba_id ~ '^[0-9]{5,20}$'),
  running_since    timestamptz,
  queued_at        timestamptz,
  last_started_at  timestamptz,
  last_synced_at   timestamptz,
  last_error       text CHECK (length(last_error) <= 500),
  backoff_until    timestamptz,
  backoff_count    integer NOT NULL DEFAULT 0 CHECK (backoff_count >= 0),
  templates_seen   integer,
  PRIMARY KEY (tenant_id, waba_id)
);
CREATE INDEX wa_template_syncs_waba_idx ON wa_template_syncs (waba_id);
