-- Refunds made at the gateway (Razorpay dashboard or API) take the money back out of the wallet.
ALTER TABLE payments ADD COLUMN refunded_amount bigint NOT NULL DEFAULT 0;
ALTER TABLE payments ADD CONSTRAINT payments_refunded_within_amount CHECK (refunded_amount >= 0 AND refunded_amount <= amount);
