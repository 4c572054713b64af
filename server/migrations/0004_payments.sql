-- Wallet top-ups through a payment gateway (Razorpay, or the built-in sandbox gateway).
-- Invariants enforced here, not only in code:
--  * one top-up row per gateway order (gateway_order_id UNIQUE);
--  * a gateway event is stored at most once (UNIQUE (gateway, event_id)): duplicated deliveries change nothing;
--  * a top-up's status only moves forward (trigger below); once captured it is tied to exactly one ledger
--    transfer and one receipt number, which never change. The credit itself is at most once through the
--    ledger's idempotency key `topup:<payment id>`.

CREATE TABLE payments (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id            uuid NOT NULL REFERENCES users (id),
  gateway            text NOT NULL CHECK (gateway IN ('razorpay', 'sandbox')),
  amount             bigint NOT NULL CHECK (amount > 0),
  currency           text NOT NULL DEFAULT 'INR' CHECK (currency = 'INR'),
  status             text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'pending', 'captured', 'failed', 'refunded')),
  gateway_order_id   text UNIQUE,
  -- The gateway payment the browser reported (pending) or the gateway confirmed (captured).
  gateway_payment_id text,
  ledger_transfer_id uuid REFERENCES ledger_transfers (id),
  receipt_number     text UNIQUE,
  failure_reason     text,
  -- Set when the gateway reports something that does not match the order (amount, currency, a second
  -- captured payment): nothing is credited automatically and an admin looks at it.
  needs_review       boolean NOT NULL DEFAULT false,
  review_reason      text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  verified_at        timestamptz,
  captured_at        timestamptz,
  failed_at          timestamptz,
  CHECK ((status IN ('captured', 'refunded')) = (ledger_transfer_id IS NOT NULL)),
  CHECK ((status IN ('captured', 'refunded')) = (receipt_number IS NOT NULL))
);
CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC);
CREATE INDEX payments_status_idx ON payments (status, created_at DESC);
CREATE INDEX payments_open_idx ON payments (created_at) WHERE status IN ('created', 'pending', 'failed');

-- Allowed moves: created → pending | failed | captured; pending → captured | failed;
-- failed → pending | captured (a later attempt on the same order succeeded); captured → refunded.
CREATE FUNCTION payments_status_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.ledger_transfer_id IS NOT NULL AND NEW.ledger_transfer_id IS DISTINCT FROM OLD.ledger_transfer_id THEN
    RAISE EXCEPTION 'payment % is already tied to ledger transfer %', OLD.id, OLD.ledger_transfer_id USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.receipt_number IS NOT NULL AND NEW.receipt_number IS DISTINCT FROM OLD.receipt_number THEN
    RAISE EXCEPTION 'payment % already has receipt %', OLD.id, OLD.receipt_number USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status <> OLD.status AND NOT (
       (OLD.status = 'created' AND NEW.status IN ('pending', 'failed', 'captured'))
    OR (OLD.status = 'pending' AND NEW.status IN ('captured', 'failed'))
    OR (OLD.status = 'failed' AND NEW.status IN ('pending', 'captured'))
    OR (OLD.status = 'captured' AND NEW.status = 'refunded')
  ) THEN
    RAISE EXCEPTION 'payment % cannot move from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE TRIGGER payments_status_forward BEFORE UPDATE ON payments
  FOR EACH ROW EXECUTE FUNCTION payments_status_forward();

-- Every verified gateway webhook, once per event id, with what it did.
CREATE TABLE payment_gateway_events (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  gateway            text NOT NULL,
  event_id           text NOT NULL,
  event_type         text NOT NULL,
  payment_id         uuid REFERENCES payments (id),
  gateway_order_id   text,
  gateway_payment_id text,
  outcome            text NOT NULL DEFAULT 'received',
  payload            jsonb NOT NULL,
  received_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payment_gateway_events_once UNIQUE (gateway, event_id)
);
CREATE INDEX payment_gateway_events_payment_idx ON payment_gateway_events (payment_id, received_at);
CREATE INDEX payment_gateway_events_received_idx ON payment_gateway_events (received_at DESC);

-- Receipt numbers run from 1 in each Indian financial year (April–March): TU/25-26/000001. The counter
-- row is taken in the capture's transaction, so a rolled-back capture leaves no gap.
CREATE TABLE payment_receipt_counters (
  financial_year text PRIMARY KEY,
  last_number    integer NOT NULL CHECK (last_number > 0)
);

-- The sandbox gateway's own state: a stand-in for Razorpay's servers, shared by every instance.
CREATE TABLE sandbox_gateway_orders (
  id          text PRIMARY KEY,
  amount      bigint NOT NULL CHECK (amount > 0),
  amount_paid bigint NOT NULL DEFAULT 0,
  currency    text NOT NULL,
  receipt     text,
  notes       jsonb NOT NULL DEFAULT '{}'::jsonb,
  status      text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'attempted', 'paid')),
  attempts    integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sandbox_gateway_payments (
  id                text PRIMARY KEY,
  order_id          text NOT NULL REFERENCES sandbox_gateway_orders (id),
  amount            bigint NOT NULL,
  currency          text NOT NULL,
  status            text NOT NULL CHECK (status IN ('captured', 'failed')),
  method            text NOT NULL,
  error_code        text,
  error_description text,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sandbox_gateway_payments_order_idx ON sandbox_gateway_payments (order_id, created_at);
CREATE UNIQUE INDEX sandbox_gateway_payments_one_captured ON sandbox_gateway_payments (order_id) WHERE status = 'captured';

-- Webhooks the sandbox owes the platform; a job delivers each (outbox), retrying until it is accepted.
CREATE TABLE sandbox_gateway_webhooks (
  id           text PRIMARY KEY,
  event        text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  attempts     integer NOT NULL DEFAULT 0,
  last_status  integer,
  delivered_at timestamptz
);
