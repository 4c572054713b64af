-- The Cloud API simulator (server/src/modules/meta-sandbox): how a number reports a marketing
-- template to a user who stopped marketing messages from it (131050). Meta does not say whether that
-- comes only as a failed status webhook or also as the send's answer (CONTRACT §3, §12: design for
-- both), so the simulator can play either: 'async' = accepted, then a failed status (the default);
-- 'sync' = the send is refused with 131050.
ALTER TABLE meta_sandbox_numbers
  ADD COLUMN marketing_stop_refusal text NOT NULL DEFAULT 'async' CHECK (marketing_stop_refusal IN ('async', 'sync'));
