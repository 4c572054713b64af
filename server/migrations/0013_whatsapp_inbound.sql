-- Receiving Meta's webhooks (server/src/modules/whatsapp/inbound/README.md). 0011 stores every POST
-- byte for byte; processing adds what it found in it, so operators can see unroutable or rejected
-- changes and the template manager can find template status updates without parsing every body.

-- A POST verified by a number's own app secret (verified_by = 'number') may only speak for the
-- numbers whose secret verified it: a tenant's app must not be able to report statuses for another
-- tenant's messages. NULL when the platform's app secret verified it (Meta's own app speaks for all).
ALTER TABLE wa_webhook_events ADD COLUMN verified_phone_number_ids text[];
-- Filled by the processing job: the change fields and business accounts in the body, and per change
-- what happened to it (routed to a tenant, unroutable, refused, stored only).
ALTER TABLE wa_webhook_events ADD COLUMN fields text[] NOT NULL DEFAULT '{}';
ALTER TABLE wa_webhook_events ADD COLUMN waba_ids text[] NOT NULL DEFAULT '{}';
ALTER TABLE wa_webhook_events ADD COLUMN outcome jsonb;
CREATE INDEX wa_webhook_events_fields_idx ON wa_webhook_events USING gin (fields);
CREATE INDEX wa_webhook_events_waba_idx ON wa_webhook_events USING gin (waba_ids);
CREATE INDEX wa_webhook_events_received_idx ON wa_webhook_events (received_at DESC);

-- The webhook POST that brought an inbound message (its raw event, for the message timeline).
-- Outbound messages find theirs through wa_status_events.webhook_event_id.
ALTER TABLE wa_messages ADD COLUMN webhook_event_id uuid REFERENCES wa_webhook_events (id);
