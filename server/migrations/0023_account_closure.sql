-- Account closure (server/src/modules/accounts/closure.ts). A closed account signs in no more, its
-- sessions and API keys stop working like a suspended one's, and `closed_at` starts the retention
-- clocks (KYC records: KYC_RETENTION_DAYS, then the kyc.retention-purge job deletes them).
-- Enforced here: status 'closed' and closed_at go together, and a closed account is never reopened.

UPDATE users SET status = 'closed' WHERE closed_at IS NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_status_check;
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'suspended', 'closed'));
ALTER TABLE users ADD CONSTRAINT users_closed_at_check CHECK ((status = 'closed') = (closed_at IS NOT NULL));

CREATE FUNCTION users_closed_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'closed' AND NEW.status <> 'closed' THEN
    RAISE EXCEPTION 'a closed account cannot be reopened' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER users_closed_final BEFORE UPDATE OF status ON users
  FOR EACH ROW EXECUTE FUNCTION users_closed_final();

CREATE INDEX users_closed_at_idx ON users (closed_at) WHERE closed_at IS NOT NULL;
