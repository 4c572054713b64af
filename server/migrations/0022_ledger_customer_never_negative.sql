-- A customer's wallet and holds accounts are always guarded by ledger_accounts_no_overdraft: until now
-- that held only because the code creating them passes allow_negative = false. The database itself
-- now refuses a customer account that may go below zero, however it is created.
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_customer_never_negative CHECK (owner_user_id IS NULL OR NOT allow_negative);
