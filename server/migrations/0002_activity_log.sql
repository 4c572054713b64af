-- The append-only activity log: who did what to which object, when, from where.

CREATE TABLE activity_log (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  actor_type      text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'anonymous')),
  actor_id        text,
  -- The account the record belongs to (shown to that customer); no foreign key, so the record
  -- outlives the account for as long as retention rules require.
  subject_user_id uuid,
  action          text NOT NULL,
  object_type     text,
  object_id       text,
  outcome         text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure')),
  ip              text,
  user_agent      text,
  request_id      text,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX activity_log_subject_idx ON activity_log (subject_user_id, occurred_at DESC);
CREATE INDEX activity_log_occurred_idx ON activity_log (occurred_at DESC);
CREATE INDEX activity_log_action_idx ON activity_log (action, occurred_at DESC);

CREATE FUNCTION activity_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'activity_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER activity_log_no_update_delete
  BEFORE UPDATE OR DELETE ON activity_log
  FOR EACH ROW EXECUTE FUNCTION activity_log_is_append_only();

CREATE TRIGGER activity_log_no_truncate
  BEFORE TRUNCATE ON activity_log
  FOR EACH STATEMENT EXECUTE FUNCTION activity_log_is_append_only();
