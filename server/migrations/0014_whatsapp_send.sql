-- Sending through the platform (server/src/modules/whatsapp/messages/README.md): which tenant uploaded
-- which media to Meta, so /graph/{version}/{media-id} answers only the tenant that owns the media.

-- Media uploaded through POST /graph/{version}/{phone-number-id}/media. Meta's media id is only
-- unique per business account, so the number is part of the key; Meta keeps uploads ~30 days, and
-- rows older than that are purged by the send maintenance job.
CREATE TABLE wa_media (
  number_id    uuid NOT NULL REFERENCES wa_numbers (id),
  media_id     text NOT NULL CHECK (media_id ~ '^[0-9]{1,32}$'),
  tenant_id    uuid NOT NULL REFERENCES users (id),
  mime_type    text NOT NULL CHECK (length(mime_type) <= 200),
  file_size    bigint NOT NULL CHECK (file_size > 0),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  filename     text CHECK (length(filename) <= 240),
  api_key_id   uuid REFERENCES api_keys (id),
  uploaded_by  uuid REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  deleted_at   timestamptz,
  PRIMARY KEY (number_id, media_id)
);
CREATE INDEX wa_media_tenant_idx ON wa_media (tenant_id, media_id);
CREATE INDEX wa_media_created_idx ON wa_media (created_at);

-- Media that arrived in inbound messages is the tenant's too: GET /graph/{version}/{media-id} finds
-- it through the message that carried it.
CREATE INDEX wa_messages_media_ref_idx ON wa_messages (media_ref) WHERE media_ref IS NOT NULL;

-- The stale-reserve sweep looks for outbound messages still queued long after the send.
CREATE INDEX wa_messages_queued_idx ON wa_messages (created_at) WHERE status = 'queued';
