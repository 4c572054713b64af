-- The send path keeps checked API keys and resolved numbers in each process's memory for a few seconds
-- (whatsapp/messages/send-http.ts). A change that must stop sending at once — a key revoked or
-- re-scoped, a number disconnected or its token rotated, an account suspended — announces itself on
-- the `wa_send_gate` channel, whoever made it, and every process drops what it holds.
CREATE FUNCTION wa_send_gate_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wa_send_gate', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

-- Not for the last-use time a key's use writes once a minute.
CREATE TRIGGER api_keys_send_gate AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
        OR OLD.scopes IS DISTINCT FROM NEW.scopes OR OLD.number_ids IS DISTINCT FROM NEW.number_ids
        OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
  EXECUTE FUNCTION wa_send_gate_changed();
CREATE TRIGGER api_keys_send_gate_delete AFTER DELETE ON api_keys FOR EACH ROW
  EXECUTE FUNCTION wa_send_gate_changed();

CREATE TRIGGER wa_numbers_send_gate AFTER UPDATE OR DELETE ON wa_numbers FOR EACH ROW
  EXECUTE FUNCTION wa_send_gate_changed();

CREATE TRIGGER users_send_gate AFTER UPDATE OF status ON users FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION wa_send_gate_changed();

-- Meta accepted these sends: record each wamid (outbound.repo.ts markAccepted) in one round trip. The
-- per-wamid lock is the one status reports take (whatsapp/inbound: 'wa-status:' || wamid, sorted), and
-- because this function is VOLATILE its UPDATE reads with a snapshot taken after the locks are held: a
-- report committed while this waited is seen as pending here, or the report sees this wamid.
CREATE FUNCTION wa_mark_accepted(ids uuid[], wamids text[])
RETURNS TABLE (id uuid, wamid text, pending boolean) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('wa-status:' || w)) FROM (SELECT DISTINCT w FROM unnest(wamids) AS w ORDER BY w) AS sorted;
  RETURN QUERY
  UPDATE wa_messages m SET wamid = COALESCE(m.wamid, v.wamid),
      status = CASE WHEN m.status = 'queued' THEN 'accepted' ELSE m.status END,
      status_at = CASE WHEN m.status = 'queued' THEN now() ELSE m.status_at END,
      error_code = NULL, error_title = NULL, error_details = NULL
    FROM unnest(ids, wamids) AS v(id, wamid)
   WHERE m.id = v.id
   RETURNING m.id, v.wamid, EXISTS (SELECT 1 FROM wa_status_events e WHERE e.wamid = v.wamid AND e.applied_at IS NULL);
END;
$$;
