-- WhatsApp automations (server/src/modules/whatsapp/automations/README.md): per number, automated
-- replies to inbound messages — a welcome for a first-time contact, an away message outside business
-- hours, keyword rules, opt-out / opt-in confirmations — and one record per rule and inbound message
-- that fired, which is at once the idempotency key of the send and the counter of the flood limits.

-- A number's automation settings; a number without a row has the defaults below.
CREATE TABLE wa_automation_settings (
  number_id                uuid PRIMARY KEY REFERENCES wa_numbers (id),
  tenant_id                uuid NOT NULL REFERENCES users (id),
  -- The switch for all of the number's automations, confirmations included.
  enabled                  boolean NOT NULL DEFAULT true,
  -- IANA zone of the opening hours and holidays.
  timezone                 text NOT NULL DEFAULT 'Asia/Kolkata' CHECK (length(timezone) BETWEEN 1 AND 64),
  -- {"mon": [{"open": "09:00", "close": "18:00"}], …, "sun": []}: a day without intervals is closed.
  weekly_hours             jsonb NOT NULL DEFAULT '{"mon":[{"open":"09:00","close":"18:00"}],"tue":[{"open":"09:00","close":"18:00"}],"wed":[{"open":"09:00","close":"18:00"}],"thu":[{"open":"09:00","close":"18:00"}],"fri":[{"open":"09:00","close":"18:00"}],"sat":[{"open":"09:00","close":"18:00"}],"sun":[]}'
                           CHECK (jsonb_typeof(weekly_hours) = 'object'),
  -- Whole days closed, in `timezone`: [{"date": "2026-01-26", "name": "Republic Day"}].
  holidays                 jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(holidays) = 'array'),
  -- The away message goes to one person at most once in this many hours.
  away_cooldown_hours      integer NOT NULL DEFAULT 12 CHECK (away_cooldown_hours BETWEEN 1 AND 168),
  -- Flood limits: automated replies per person per window, and per number per minute.
  contact_limit            integer NOT NULL DEFAULT 5 CHECK (contact_limit BETWEEN 1 AND 50),
  contact_window_minutes   integer NOT NULL DEFAULT 10 CHECK (contact_window_minutes BETWEEN 1 AND 1440),
  number_limit_per_minute  integer NOT NULL DEFAULT 60 CHECK (number_limit_per_minute BETWEEN 1 AND 1000),
  updated_by               uuid REFERENCES users (id),
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now()
);

-- What fires and what it does. welcome, away, opt_out and opt_in exist at most once per number;
-- keyword rules are tried in ascending `position` and the first that matches fires.
CREATE TABLE wa_automation_rules (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES users (id),
  number_id       uuid NOT NULL REFERENCES wa_numbers (id),
  kind            text NOT NULL CHECK (kind IN ('welcome', 'away', 'keyword', 'opt_out', 'opt_in')),
  name            text NOT NULL DEFAULT '' CHECK (length(name) <= 80),
  enabled         boolean NOT NULL DEFAULT true,
  position        integer NOT NULL DEFAULT 0,
  match_type      text CHECK (match_type IN ('exact', 'contains', 'regex')),
  patterns        text[] NOT NULL DEFAULT '{}',
  -- The reply (automations/reply-body.ts): text, media, interactive or template; NULL = none.
  reply           jsonb,
  -- Tags added to the contact (wa_contacts.tags) when the rule fires.
  add_tags        text[] NOT NULL DEFAULT '{}',
  -- Set when the rule's template could not be sent (paused, disabled, deleted); cleared by saving or enabling it.
  stopped_at      timestamptz,
  stopped_reason  text CHECK (length(stopped_reason) <= 1000),
  created_by      uuid REFERENCES users (id),
  updated_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'keyword') = (match_type IS NOT NULL)),
  CHECK (kind <> 'keyword' OR cardinality(patterns) BETWEEN 1 AND 20),
  CHECK (NOT enabled OR reply IS NOT NULL OR cardinality(add_tags) > 0)
);
CREATE UNIQUE INDEX wa_automation_rules_kind_idx ON wa_automation_rules (number_id, kind) WHERE kind <> 'keyword';
CREATE INDEX wa_automation_rules_number_idx ON wa_automation_rules (number_id, position);

-- One row per rule that fired for one inbound message.
CREATE TABLE wa_automation_runs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES users (id),
  number_id           uuid NOT NULL REFERENCES wa_numbers (id),
  rule_id             uuid REFERENCES wa_automation_rules (id) ON DELETE SET NULL,
  kind                text NOT NULL CHECK (kind IN ('welcome', 'away', 'keyword', 'opt_out', 'opt_in')),
  inbound_message_id  uuid NOT NULL REFERENCES wa_messages (id) ON DELETE CASCADE,
  wa_id               text NOT NULL,
  -- claimed: the reply is being sent (stays so when the outcome was lost: never sent again);
  -- done; skipped (reason); failed (reason); retry: WhatsApp took nothing, the job claims it again.
  state               text NOT NULL CHECK (state IN ('claimed', 'done', 'skipped', 'failed', 'retry')),
  -- Whether the run sends a reply: only these count towards the flood limits.
  replies             boolean NOT NULL,
  reason              text CHECK (length(reason) <= 60),
  detail              text CHECK (length(detail) <= 1000),
  message_id          uuid REFERENCES wa_messages (id) ON DELETE SET NULL,
  tags_added          text[] NOT NULL DEFAULT '{}',
  created_at          timestamptz NOT NULL,
  finished_at         timestamptz,
  UNIQUE (inbound_message_id, rule_id)
);
-- A person is welcomed by a number once, whatever races between their first messages.
CREATE UNIQUE INDEX wa_automation_runs_welcome_idx ON wa_automation_runs (number_id, wa_id) WHERE kind = 'welcome';
CREATE INDEX wa_automation_runs_contact_idx ON wa_automation_runs (number_id, wa_id, created_at DESC);
CREATE INDEX wa_automation_runs_number_idx ON wa_automation_runs (number_id, created_at DESC);
