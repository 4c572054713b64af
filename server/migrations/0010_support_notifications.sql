-- Notifications (server/src/modules/notifications/README.md) and support tickets
-- (server/src/modules/support/README.md).

-- One row per thing a person was told about, whichever channels carried it. `in_inbox` is whether
-- it shows in the in-app inbox (the in_app channel was allowed by the person's preferences).
CREATE TABLE notifications (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  topic       text NOT NULL CHECK (topic IN ('service_updates', 'wallet', 'marketing')),
  kind        text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' AND length(kind) <= 64),
  title_en    text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
  title_hi    text NOT NULL CHECK (length(title_hi) BETWEEN 1 AND 200),
  body_en     text NOT NULL CHECK (length(body_en) <= 2000),
  body_hi     text NOT NULL CHECK (length(body_hi) <= 2000),
  -- A path inside the app, never another origin ("//host" or "http:…").
  link        text CHECK (link ~ '^/([A-Za-z0-9._~?&=%-][A-Za-z0-9._~/?&=%-]*)?$' AND length(link) <= 300),
  in_inbox    boolean NOT NULL,
  read_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC, id) WHERE in_inbox;
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE in_inbox AND read_at IS NULL;
CREATE INDEX notifications_created_idx ON notifications (created_at);

-- What happened on each channel of a notification: queued (handed to the mail outbox or the
-- WhatsApp sender in the same transaction), sent (in-app: in the inbox), skipped or failed with a
-- reason (preference_off, preference_not_given, marketing_needs_opt_in, no_mobile,
-- whatsapp_not_configured, …). A channel that cannot send yet is recorded as skipped with its
-- reason, so it starts working without schema changes once it can.
CREATE TABLE notification_deliveries (
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  channel         text NOT NULL CHECK (channel IN ('in_app', 'email', 'whatsapp')),
  status          text NOT NULL CHECK (status IN ('queued', 'sent', 'skipped', 'failed')),
  reason          text CHECK (reason ~ '^[a-z][a-z0-9_]{0,63}$'),
  -- The outbox row of an email (its own status says whether the mail went out).
  mail_id         uuid REFERENCES mail_outbox (id) ON DELETE SET NULL,
  -- The sender's id of a WhatsApp message, once that channel sends.
  external_id     text CHECK (length(external_id) <= 200),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (notification_id, channel),
  CHECK ((status IN ('skipped', 'failed')) = (reason IS NOT NULL))
);

-- Support tickets. Human reference: "T-" followed by `number`.
CREATE SEQUENCE support_ticket_number_seq START 1001;
CREATE TABLE support_tickets (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number                 bigint NOT NULL UNIQUE DEFAULT nextval('support_ticket_number_seq'),
  customer_id            uuid NOT NULL REFERENCES users (id),
  subject                text NOT NULL CHECK (length(subject) BETWEEN 3 AND 150),
  category               text NOT NULL CHECK (category IN ('service', 'wallet', 'whatsapp_api', 'kyc', 'privacy')),
  state                  text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'waiting_on_customer', 'resolved', 'closed')),
  priority               text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  assignee_id            uuid REFERENCES users (id),
  -- An optional object the ticket is about, as type + id (the applications and WhatsApp message
  -- tables belong to other modules; ownership is checked by support-links.ts when the link is made).
  link_type              text CHECK (link_type IN ('application', 'payment', 'whatsapp_message')),
  link_id                text CHECK (length(link_id) BETWEEN 1 AND 200),
  first_response_due_at  timestamptz NOT NULL,
  resolution_due_at      timestamptz NOT NULL,
  -- Where the resolution clock starts: creation, or the last reopening.
  sla_clock_started_at   timestamptz NOT NULL DEFAULT now(),
  first_responded_at     timestamptz,
  resolved_at            timestamptz,
  closed_at              timestamptz,
  reopen_count           integer NOT NULL DEFAULT 0,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  last_message_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((link_type IS NULL) = (link_id IS NULL)),
  CHECK ((state IN ('resolved', 'closed')) = (resolved_at IS NOT NULL)),
  CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX support_tickets_customer_idx ON support_tickets (customer_id, last_message_at DESC);
CREATE INDEX support_tickets_queue_idx ON support_tickets (state, created_at);
CREATE INDEX support_tickets_assignee_idx ON support_tickets (assignee_id, state);
CREATE INDEX support_tickets_resolved_idx ON support_tickets (resolved_at) WHERE state = 'resolved';

-- The state machine, enforced here as well as in code (support.rules.ts): closed is final.
CREATE FUNCTION support_tickets_state_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state <> OLD.state AND NOT (
       (OLD.state = 'open' AND NEW.state IN ('waiting_on_customer', 'resolved'))
    OR (OLD.state = 'waiting_on_customer' AND NEW.state IN ('open', 'resolved'))
    OR (OLD.state = 'resolved' AND NEW.state IN ('open', 'closed'))
  ) THEN
    RAISE EXCEPTION 'ticket % cannot move from % to %', OLD.id, OLD.state, NEW.state USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.customer_id <> OLD.customer_id OR NEW.number <> OLD.number THEN
    RAISE EXCEPTION 'ticket % cannot change its customer or number', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER support_tickets_state_forward BEFORE UPDATE ON support_tickets
  FOR EACH ROW EXECUTE FUNCTION support_tickets_state_forward();

-- The thread: customer and staff replies, and staff-only internal notes.
CREATE TABLE support_messages (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id    uuid NOT NULL REFERENCES support_tickets (id),
  author_id    uuid NOT NULL REFERENCES users (id),
  author_role  text NOT NULL CHECK (author_role IN ('customer', 'staff')),
  internal     boolean NOT NULL DEFAULT false,
  body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT internal OR author_role = 'staff')
);
CREATE INDEX support_messages_ticket_idx ON support_messages (ticket_id, created_at, id);

-- State, priority and assignment changes, for the ticket's timeline (priority and assignment are
-- internal: the customer sees only state changes).
CREATE TABLE support_ticket_events (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id   uuid NOT NULL REFERENCES support_tickets (id),
  actor_id    uuid REFERENCES users (id),
  kind        text NOT NULL CHECK (kind IN ('state', 'priority', 'assignee')),
  from_value  text,
  to_value    text,
  internal    boolean NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX support_ticket_events_ticket_idx ON support_ticket_events (ticket_id, created_at);

-- Files uploaded (validated and encrypted) before the message they belong to is sent; one not
-- attached to a message within a day is deleted by the cleanup job.
CREATE TABLE support_attachments (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  uploader_id   uuid NOT NULL REFERENCES users (id),
  message_id    uuid REFERENCES support_messages (id),
  object_key    text NOT NULL UNIQUE,
  content_type  text NOT NULL,
  size_bytes    integer NOT NULL CHECK (size_bytes > 0),
  width         integer,
  height        integer,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX support_attachments_message_idx ON support_attachments (message_id);
CREATE INDEX support_attachments_pending_idx ON support_attachments (uploader_id, created_at) WHERE message_id IS NULL;
