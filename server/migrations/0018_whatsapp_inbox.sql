-- The team inbox (server/src/modules/whatsapp/inbox/README.md): the people a tenant lets answer its
-- WhatsApp conversations, the state of each conversation (status, assignee, what counts as unread),
-- who read how far, internal notes and saved quick replies. Messages themselves stay in wa_messages.

-- A tenant's team: existing accounts invited as agent or manager of its inbox. A removal keeps the row
-- (removed_at), so an invitation again is a new row and the history says who was in the team when.
CREATE TABLE wa_team_members (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES users (id),
  user_id     uuid NOT NULL REFERENCES users (id),
  role        text NOT NULL CHECK (role IN ('agent', 'manager')),
  invited_by  uuid NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  removed_at  timestamptz,
  CHECK (tenant_id <> user_id)
);
CREATE UNIQUE INDEX wa_team_members_live_idx ON wa_team_members (tenant_id, user_id) WHERE removed_at IS NULL;
CREATE INDEX wa_team_members_user_idx ON wa_team_members (user_id) WHERE removed_at IS NULL;

-- One conversation per person (wa_id) per connected number. `inbound_count` counts the person's
-- messages that need an answer (not reactions or WhatsApp's system notices); a reader's unread count
-- is inbound_count minus the count they had read up to (wa_inbox_reads), so no per-message rows.
CREATE TABLE wa_inbox_conversations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES users (id),
  number_id        uuid NOT NULL REFERENCES wa_numbers (id),
  wa_id            text NOT NULL CHECK (length(wa_id) BETWEEN 1 AND 64),
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  status_at        timestamptz NOT NULL DEFAULT now(),
  assignee_id      uuid REFERENCES users (id),
  assigned_at      timestamptz,
  last_message_id  uuid REFERENCES wa_messages (id),
  last_message_at  timestamptz NOT NULL,
  last_inbound_at  timestamptz,
  inbound_count    integer NOT NULL DEFAULT 0 CHECK (inbound_count >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (number_id, wa_id)
);
CREATE INDEX wa_inbox_conversations_list_idx ON wa_inbox_conversations (tenant_id, last_message_at DESC, id DESC);
CREATE INDEX wa_inbox_conversations_assignee_idx ON wa_inbox_conversations (tenant_id, assignee_id, status);

-- How far each reader (the tenant or a member) has read a conversation.
CREATE TABLE wa_inbox_reads (
  conversation_id  uuid NOT NULL REFERENCES wa_inbox_conversations (id),
  user_id          uuid NOT NULL REFERENCES users (id),
  read_count       integer NOT NULL CHECK (read_count >= 0),
  read_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, user_id)
);

-- Internal notes: for the team only, never sent to WhatsApp.
CREATE TABLE wa_inbox_notes (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id  uuid NOT NULL REFERENCES wa_inbox_conversations (id),
  tenant_id        uuid NOT NULL REFERENCES users (id),
  author_id        uuid NOT NULL REFERENCES users (id),
  body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wa_inbox_notes_conversation_idx ON wa_inbox_notes (conversation_id, created_at DESC, id DESC);

-- Saved replies of a tenant, inserted in the reply box by typing /shortcut.
CREATE TABLE wa_quick_replies (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES users (id),
  shortcut    text NOT NULL CHECK (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,29}$'),
  body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 4096),
  created_by  uuid NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, shortcut)
);

-- Conversations of the messages received before the inbox existed, open and unassigned.
INSERT INTO wa_inbox_conversations (tenant_id, number_id, wa_id, last_message_id, last_message_at, last_inbound_at, inbound_count)
SELECT i.tenant_id, i.number_id, i.wa_id, l.id, l.created_at, i.last_inbound_at, i.inbound_count
  FROM (SELECT tenant_id, number_id, wa_id, max(created_at) AS last_inbound_at,
               (count(*) FILTER (WHERE type NOT IN ('reaction', 'system')))::int AS inbound_count
          FROM wa_messages WHERE direction = 'inbound' AND length(wa_id) <= 64
         GROUP BY tenant_id, number_id, wa_id) i
  JOIN LATERAL (SELECT m.id, m.created_at FROM wa_messages m
                 WHERE m.number_id = i.number_id AND m.wa_id = i.wa_id
                 ORDER BY m.created_at DESC, m.id DESC LIMIT 1) l ON true;
