-- The send path's writes in one call (whatsapp/messages/send-writes.ts). Before, a group of sends
-- cost two statements: the reserve (lease usage, message rows, activity records) before Meta's call,
-- then wa_mark_accepted with Meta's answers. Now whatever is waiting goes together — the reserves of
-- new sends and the answers of earlier ones — and as a function its statements keep their plans
-- from call to call instead of being parsed and planned each time (on PGlite that planning was
-- about half of the reserve's cost).
--
-- The answers' part is wa_mark_accepted's: the per-wamid lock status reports take
-- (inbound/wamid-lock.ts: 'wa-status:' || wamid, in code-point order, hence COLLATE "C"), then the
-- UPDATE, which reads with a snapshot taken after the locks (the function is VOLATILE), so a report
-- committed meanwhile is seen as pending here or sees this wamid. The UPDATE finds its rows with
-- `id = ANY(ids)`, an index lookup in any plan (0024's join over unnest could turn into a sequential
-- scan once the plan was kept).
--
-- The record types below are the keys send-writes.ts sends (outbound.repo.ts outboundRow,
-- audit/activity.repo.ts activityRow, wallet/credit-leases.ts leaseUsageRow); send-writes.test.ts
-- checks that every column arrives.
DROP FUNCTION wa_mark_accepted(uuid[], text[]);

CREATE FUNCTION wa_send_write(usage jsonb, messages jsonb, activities jsonb, ids uuid[], wamids text[])
RETURNS TABLE (id uuid, wamid text, pending boolean) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  IF usage IS NOT NULL THEN
    INSERT INTO ledger_lease_usage (hold_id, amount, reference)
      SELECT hold_id, amount, reference FROM jsonb_to_recordset(usage) AS r(hold_id uuid, amount bigint, reference text);
  END IF;
  IF messages IS NOT NULL THEN
    INSERT INTO wa_messages (id, tenant_id, number_id, wa_id, type, content, template_name, template_language, category, media_ref,
        context_wamid, biz_opaque_callback_data, reserved_paise, billing_state, hold_id, source, api_key_id, sent_by, direction, status)
      SELECT id, tenant_id, number_id, wa_id, type, content, template_name, template_language, category, media_ref,
          context_wamid, biz_opaque_callback_data, reserved_paise, billing_state, hold_id, source, api_key_id, sent_by, 'outbound', 'queued'
        FROM jsonb_to_recordset(messages) AS r(id uuid, tenant_id uuid, number_id uuid, wa_id text, type text, content jsonb,
          template_name text, template_language text, category text, media_ref text, context_wamid text, biz_opaque_callback_data text,
          reserved_paise bigint, billing_state text, hold_id uuid, source text, api_key_id uuid, sent_by uuid);
  END IF;
  IF activities IS NOT NULL THEN
    INSERT INTO activity_log (actor_type, actor_id, subject_user_id, action, object_type, object_id, outcome, ip, user_agent, request_id, details)
      SELECT actor_type, actor_id, subject_user_id, action, object_type, object_id, outcome, ip, user_agent, request_id, details
        FROM jsonb_to_recordset(activities) AS r(actor_type text, actor_id text, subject_user_id uuid, action text, object_type text,
          object_id text, outcome text, ip text, user_agent text, request_id text, details jsonb);
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext('wa-status:' || w))
       FROM (SELECT DISTINCT w COLLATE "C" AS w FROM unnest(wamids) AS w ORDER BY 1) AS sorted;
    RETURN QUERY
    UPDATE wa_messages m SET wamid = COALESCE(m.wamid, wamids[array_position(ids, m.id)]),
        status = CASE WHEN m.status = 'queued' THEN 'accepted' ELSE m.status END,
        status_at = CASE WHEN m.status = 'queued' THEN now() ELSE m.status_at END,
        error_code = NULL, error_title = NULL, error_details = NULL
      WHERE m.id = ANY(ids)
      RETURNING m.id, wamids[array_position(ids, m.id)],
        EXISTS (SELECT 1 FROM wa_status_events e WHERE e.wamid = wamids[array_position(ids, m.id)] AND e.applied_at IS NULL);
  END IF;
END;
$$;

-- One index for wamids instead of two: (wamid, number_id, direction) serves lookups by wamid alone
-- (status reports, reply contexts) as well as the per-number uniqueness inbound messages insert
-- against (ON CONFLICT (number_id, direction, wamid) infers it), and recording a wamid updates one
-- index fewer.
DROP INDEX wa_messages_wamid_lookup_idx;
DROP INDEX wa_messages_wamid_idx;
CREATE UNIQUE INDEX wa_messages_wamid_idx ON wa_messages (wamid, number_id, direction) WHERE wamid IS NOT NULL;
