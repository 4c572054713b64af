-- Double-entry ledger in integer paise. Invariants enforced here, not only in code:
--  * every transfer's entries sum to zero (deferred constraint trigger, checked at commit);
--  * transfers and entries are append-only;
--  * a customer account's cached balance moves with each entry in the same transaction and can never
--    be below zero (CHECK), whatever the concurrency. The platform's own accounts (allow_negative) keep
--    no cached balance: every charge touches one of them, and one row updated by all customers would
--    serialise the whole platform. Their balance is the sum of their entries.

CREATE TABLE ledger_accounts (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind           text NOT NULL CHECK (kind IN ('customer_wallet', 'customer_holds', 'gateway_clearing', 'revenue',
                                              'gst_payable', 'refunds', 'adjustments')),
  owner_user_id  uuid REFERENCES users (id),
  currency       text NOT NULL DEFAULT 'INR' CHECK (currency = 'INR'),
  allow_negative boolean NOT NULL,
  balance        bigint,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_accounts_no_overdraft CHECK (allow_negative OR balance >= 0),
  CHECK (allow_negative = (balance IS NULL)),
  CHECK ((kind IN ('customer_wallet', 'customer_holds')) = (owner_user_id IS NOT NULL))
);
CREATE UNIQUE INDEX ledger_accounts_customer_key ON ledger_accounts (kind, owner_user_id) WHERE owner_user_id IS NOT NULL;
CREATE UNIQUE INDEX ledger_accounts_system_key ON ledger_accounts (kind) WHERE owner_user_id IS NULL;

INSERT INTO ledger_accounts (kind, allow_negative) VALUES
  ('gateway_clearing', true), ('revenue', true), ('gst_payable', true), ('refunds', true), ('adjustments', true);

CREATE TABLE ledger_transfers (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind            text NOT NULL,
  -- At most once per key: a replay finds the first transfer; a different body under the same key is refused.
  idempotency_key text UNIQUE,
  request_hash    text,
  description     text NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
  actor_type      text NOT NULL,
  actor_id        text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transfers_created_idx ON ledger_transfers (created_at DESC);

CREATE TABLE ledger_entries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transfer_id uuid NOT NULL REFERENCES ledger_transfers (id),
  account_id  uuid NOT NULL REFERENCES ledger_accounts (id),
  amount      bigint NOT NULL CHECK (amount <> 0),
  -- The customer account's balance after this entry, for passbooks with a running balance.
  balance_after bigint,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id DESC);
CREATE INDEX ledger_entries_transfer_idx ON ledger_entries (transfer_id);

CREATE FUNCTION ledger_apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_accounts SET balance = balance + NEW.amount WHERE id = NEW.account_id AND NOT allow_negative
    RETURNING balance INTO NEW.balance_after;
  IF NOT FOUND THEN
    NEW.balance_after := NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER ledger_entries_apply BEFORE INSERT ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_apply_entry();

CREATE FUNCTION ledger_check_transfer_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total bigint;
  n integer;
BEGIN
  SELECT COALESCE(sum(amount), 0), count(*) INTO total, n FROM ledger_entries WHERE transfer_id = NEW.transfer_id;
  IF total <> 0 OR n < 2 THEN
    RAISE EXCEPTION 'ledger transfer % does not balance (sum %, % entries)', NEW.transfer_id, total, n
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_transfer_balanced();

CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_transfers_append_only BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();

-- Two-phase holds: reserve (wallet → holds), then settle (holds → revenue) and/or release (holds → wallet).
CREATE TABLE ledger_holds (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (id),
  amount         bigint NOT NULL CHECK (amount > 0),
  settled        bigint NOT NULL DEFAULT 0 CHECK (settled >= 0),
  released       bigint NOT NULL DEFAULT 0 CHECK (released >= 0),
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'settled', 'released', 'partially_settled')),
  purpose        text NOT NULL,
  reference      text,
  expires_at     timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz,
  CHECK (settled + released <= amount),
  CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX ledger_holds_user_idx ON ledger_holds (user_id, created_at DESC);
CREATE INDEX ledger_holds_expiry_idx ON ledger_holds (expires_at) WHERE status = 'open';

-- Results of the scheduled check that every cached balance equals the sum of its entries.
CREATE TABLE ledger_reconciliations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind             text NOT NULL CHECK (kind IN ('balances', 'gateway')),
  ran_at           timestamptz NOT NULL DEFAULT now(),
  checked          integer NOT NULL,
  problems         integer NOT NULL,
  details          jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX ledger_reconciliations_ran_idx ON ledger_reconciliations (ran_at DESC);

-- Credit leases for the hot send path (see server/src/modules/wallet/README.md): a lease is an open
-- hold owned by one process; each charge against it is one insert here, touching no shared row.
-- Closing the lease settles the hold with the sum of its usage and releases the rest.
CREATE TABLE ledger_lease_usage (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hold_id    uuid NOT NULL REFERENCES ledger_holds (id),
  amount     bigint NOT NULL CHECK (amount <> 0),
  reference  text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_lease_usage_hold_idx ON ledger_lease_usage (hold_id);
