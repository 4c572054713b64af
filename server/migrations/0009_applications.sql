-- Service applications (server/src/modules/applications/README.md): a customer's filled form for one
-- service, its documents, its workflow, and the money held for it. Invariants enforced here, not only
-- in code:
--  * an application is pinned to the form version it was started on (foreign key to that version);
--  * the state only moves along the workflow (trigger `applications_state_forward`);
--  * an acknowledgement number and a fee breakdown exist exactly when it has been submitted, and the
--    total is the sum of its parts; money is integer paise;
--  * the timeline (application_events) is append-only;
--  * at most one current upload per required document of an application.

-- 1. Ledger: money collected as the customer's pure agent (government fees, bill amounts, recharges)
--    is owed onward, not earned: it settles into its own pass-through account, never into revenue.
ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_kind_check;
ALTER TABLE ledger_accounts ADD CONSTRAINT ledger_accounts_kind_check
  CHECK (kind IN ('customer_wallet', 'customer_holds', 'gateway_clearing', 'revenue', 'gst_payable', 'refunds', 'adjustments', 'pass_through'));
INSERT INTO ledger_accounts (kind, allow_negative) VALUES ('pass_through', true);

-- 2. Services whose government amount the customer enters (a bill, a recharge): the fixed government
--    fee is then 0 and the entered amount, within the limits, takes its place in the fee breakdown.
--    All migrations run in one transaction: the seed rows of 0008 still have deferred foreign-key
--    checks pending, which PostgreSQL runs now so that the table can be altered, then defers again.
SET CONSTRAINTS services_current_form_fkey IMMEDIATE;
ALTER TABLE services
  ADD COLUMN variable_amount  boolean NOT NULL DEFAULT false,
  ADD COLUMN amount_min_paise bigint,
  ADD COLUMN amount_max_paise bigint;
ALTER TABLE services ADD CONSTRAINT services_variable_amount_check CHECK (
  (variable_amount AND government_fee_paise = 0
     AND amount_min_paise BETWEEN 100 AND 100000000
     AND amount_max_paise BETWEEN amount_min_paise AND 100000000)
  OR (NOT variable_amount AND amount_min_paise IS NULL AND amount_max_paise IS NULL));
SET CONSTRAINTS services_current_form_fkey DEFERRED;

-- 3. Applications.
-- Acknowledgement numbers SK-<year>-<n>: a sequence never blocks concurrent submissions (a counter
-- row would serialise every submission on the platform); a failed submission may leave a gap.
CREATE SEQUENCE application_ack_seq;

CREATE TABLE applications (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ack_number           text UNIQUE CHECK (ack_number ~ '^SK-[0-9]{4}-[0-9]{6,}$'),
  -- The customer the application is for (whose wallet pays), and the operator who filed it for a
  -- walk-in customer (NULL when the customer filed it).
  user_id              uuid NOT NULL REFERENCES users (id),
  filed_by             uuid REFERENCES users (id),
  service_id           uuid NOT NULL,
  form_version         integer NOT NULL,
  state                text NOT NULL DEFAULT 'draft'
                       CHECK (state IN ('draft', 'submitted', 'in_progress', 'needs_info', 'completed', 'rejected', 'cancelled')),
  -- Clean answers as form-engine.ts validateSubmission() returns them (a file field holds the id of
  -- the application document uploaded for it).
  answers              jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(answers) = 'object'),
  -- The amount the customer entered, for services with a variable government amount.
  amount_paise         bigint CHECK (amount_paise BETWEEN 1 AND 100000000),
  -- The fee breakdown copied at the first submission: later fee changes never touch money already held.
  platform_fee_paise   bigint CHECK (platform_fee_paise >= 0),
  government_fee_paise bigint CHECK (government_fee_paise >= 0),
  gst_rate_bps         integer CHECK (gst_rate_bps BETWEEN 0 AND 10000),
  gst_paise            bigint CHECK (gst_paise >= 0),
  total_paise          bigint CHECK (total_paise = platform_fee_paise + gst_paise + government_fee_paise),
  hold_id              uuid UNIQUE REFERENCES ledger_holds (id),
  turnaround_days      integer CHECK (turnaround_days BETWEEN 0 AND 365),
  sla_due_at           timestamptz,
  assigned_to          uuid REFERENCES users (id),
  assigned_at          timestamptz,
  info_request         text CHECK (length(info_request) <= 2000),
  rejection_reason     text CHECK (length(rejection_reason) <= 2000),
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  submitted_at         timestamptz, -- the first submission
  last_submitted_at    timestamptz, -- the latest (re)submission
  started_at           timestamptz,
  info_requested_at    timestamptz,
  completed_at         timestamptz,
  rejected_at          timestamptz,
  cancelled_at         timestamptz,
  FOREIGN KEY (service_id, form_version) REFERENCES service_form_versions (service_id, version),
  CONSTRAINT applications_submitted_check CHECK (
    (submitted_at IS NULL) = (ack_number IS NULL)
    AND (submitted_at IS NULL) = (total_paise IS NULL)
    AND (submitted_at IS NULL) = (sla_due_at IS NULL)
    -- a draft was never submitted; everything past draft was, except a cancelled draft
    AND (state <> 'draft' OR submitted_at IS NULL)
    AND (state IN ('draft', 'cancelled') OR submitted_at IS NOT NULL)
    AND ((state = 'cancelled') = (cancelled_at IS NOT NULL))),
  CONSTRAINT applications_hold_check CHECK (total_paise IS NULL OR total_paise = 0 OR hold_id IS NOT NULL),
  CONSTRAINT applications_rejected_check CHECK ((state = 'rejected') = (rejection_reason IS NOT NULL))
);
CREATE INDEX applications_user_idx ON applications (user_id, created_at DESC);
CREATE INDEX applications_queue_idx ON applications (state, last_submitted_at);
CREATE INDEX applications_assigned_idx ON applications (assigned_to, state) WHERE assigned_to IS NOT NULL;
CREATE INDEX applications_service_idx ON applications (service_id, state);

-- draft → submitted | cancelled; submitted → in_progress | needs_info | rejected | cancelled;
-- in_progress → needs_info | completed | rejected; needs_info → submitted | rejected.
CREATE FUNCTION applications_state_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = OLD.state THEN RETURN NEW; END IF;
  IF (OLD.state = 'draft' AND NEW.state IN ('submitted', 'cancelled'))
     OR (OLD.state = 'submitted' AND NEW.state IN ('in_progress', 'needs_info', 'rejected', 'cancelled'))
     OR (OLD.state = 'in_progress' AND NEW.state IN ('needs_info', 'completed', 'rejected'))
     OR (OLD.state = 'needs_info' AND NEW.state IN ('submitted', 'rejected')) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'application state cannot move from % to %', OLD.state, NEW.state USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER applications_state_forward
  BEFORE UPDATE OF state ON applications
  FOR EACH ROW EXECUTE FUNCTION applications_state_forward();

-- Files of an application, in the encrypted store: the customer's uploads for the form's required
-- documents ('input', one current per document key) and the operator's results ('output').
CREATE TABLE application_documents (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id uuid NOT NULL REFERENCES applications (id),
  purpose        text NOT NULL CHECK (purpose IN ('input', 'output')),
  document_key   text CHECK (document_key ~ '^[a-z][a-z0-9_]*$' AND length(document_key) <= 40),
  object_key     text NOT NULL UNIQUE,
  content_type   text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')),
  size_bytes     integer NOT NULL CHECK (size_bytes > 0),
  width          integer,
  height         integer,
  uploaded_by    uuid NOT NULL REFERENCES users (id),
  uploaded_at    timestamptz NOT NULL DEFAULT now(),
  -- A replaced upload of a submitted application is kept for the record (an unsubmitted draft's is deleted).
  superseded_at  timestamptz,
  CHECK ((purpose = 'input') = (document_key IS NOT NULL))
);
CREATE UNIQUE INDEX application_documents_current_key ON application_documents (application_id, document_key)
  WHERE purpose = 'input' AND superseded_at IS NULL;
CREATE INDEX application_documents_application_idx ON application_documents (application_id, uploaded_at);

-- The timeline: every transition, assignment, comment and upload, with who and when. Customers see
-- the 'customer' entries; 'internal' ones (internal comments, assignments) only staff.
CREATE TABLE application_events (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id uuid NOT NULL REFERENCES applications (id),
  kind           text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
  from_state     text,
  to_state       text,
  actor_id       uuid REFERENCES users (id),
  actor_role     text CHECK (actor_role IN ('customer', 'operator', 'admin')),
  visibility     text NOT NULL CHECK (visibility IN ('customer', 'internal')),
  message        text CHECK (length(message) <= 2000),
  details        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_events_application_idx ON application_events (application_id, id);

CREATE FUNCTION application_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'application_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER application_events_no_update_delete
  BEFORE UPDATE OR DELETE ON application_events
  FOR EACH ROW EXECUTE FUNCTION application_events_append_only();
CREATE TRIGGER application_events_no_truncate
  BEFORE TRUNCATE ON application_events
  FOR EACH STATEMENT EXECUTE FUNCTION application_events_append_only();

-- 4. Seed: bill payments and recharges, paid with a customer-entered amount.
INSERT INTO service_categories (slug, name_en, name_hi, sort_order) VALUES
  ('bill-payments', 'Bill payments and recharges', 'बिल भुगतान और रिचार्ज', 60);

-- Electricity bill payment: ₹10.00 + GST 18 % on it, plus the bill amount (₹10 – ₹1,00,000) paid on to the board.
INSERT INTO services (slug, category_id, name_en, name_hi, description_en, description_hi, platform_fee_paise, government_fee_paise,
  gst_rate_bps, turnaround_days, kyc_required, sort_order, current_form_version, search_text,
  variable_amount, amount_min_paise, amount_max_paise)
SELECT 'electricity-bill-payment', id, 'Electricity bill payment', 'बिजली बिल भुगतान',
  'Pay the electricity bill of any connection of the listed boards. Enter the amount due on the bill; the payment reference is attached when it is done.',
  'सूची में दिए गए बिजली बोर्डों के किसी भी कनेक्शन का बिल भरें। बिल पर देय राशि लिखें; भुगतान होने पर उसकी रसीद संलग्न की जाती है।',
  1000, 0, 1800, 1, false, 10, 1, 'electricity-bill-payment electricity bill payment बिजली बिल भुगतान',
  true, 1000, 10000000
FROM service_categories WHERE slug = 'bill-payments';
INSERT INTO service_form_versions (service_id, version, definition)
SELECT id, 1, '{"fields":[{"key":"board","label":{"en":"Electricity board","hi":"बिजली बोर्ड"},"required":true,"type":"select","options":[{"value":"jvvnl","label":{"en":"Jaipur Vidyut Vitran Nigam (JVVNL)","hi":"जयपुर विद्युत वितरण निगम (JVVNL)"}},{"value":"avvnl","label":{"en":"Ajmer Vidyut Vitran Nigam (AVVNL)","hi":"अजमेर विद्युत वितरण निगम (AVVNL)"}},{"value":"jdvvnl","label":{"en":"Jodhpur Vidyut Vitran Nigam (JdVVNL)","hi":"जोधपुर विद्युत वितरण निगम (JdVVNL)"}},{"value":"uppcl","label":{"en":"Uttar Pradesh Power Corporation (UPPCL)","hi":"उत्तर प्रदेश पावर कॉर्पोरेशन (UPPCL)"}},{"value":"msedcl","label":{"en":"Maharashtra State Electricity Distribution (MSEDCL)","hi":"महाराष्ट्र राज्य विद्युत वितरण (MSEDCL)"}},{"value":"bses_rajdhani","label":{"en":"BSES Rajdhani (Delhi)","hi":"बीएसईएस राजधानी (दिल्ली)"}},{"value":"tpddl","label":{"en":"Tata Power-DDL (Delhi)","hi":"टाटा पावर-डीडीएल (दिल्ली)"}},{"value":"other","label":{"en":"Other board","hi":"अन्य बोर्ड"}}]},{"key":"consumer_number","label":{"en":"Consumer number (K number)","hi":"उपभोक्ता संख्या (के नंबर)"},"required":true,"help":{"en":"As printed on the bill","hi":"जैसा बिल पर छपा है"},"type":"text","rules":{"maxLength":20,"minLength":5,"pattern":"[A-Za-z0-9/-]+","patternMessage":{"en":"Use letters, digits, / and - only.","hi":"केवल अक्षर, अंक, / और - लिखें।"}}},{"key":"consumer_name","label":{"en":"Name on the bill","hi":"बिल पर लिखा नाम"},"required":true,"type":"text","rules":{"maxLength":100,"minLength":2}},{"key":"mobile","label":{"en":"Mobile number","hi":"मोबाइल नंबर"},"required":true,"help":{"en":"10 digits, without +91","hi":"10 अंक, +91 के बिना"},"type":"text","rules":{"maxLength":10,"pattern":"[6-9][0-9]{9}","patternMessage":{"en":"Enter a 10-digit mobile number starting with 6, 7, 8 or 9.","hi":"6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर लिखें।"}}},{"key":"bill_copy","label":{"en":"Copy of the bill (optional)","hi":"बिल की कॉपी (वैकल्पिक)"},"required":false,"type":"file","document":"bill_copy"}],"documents":[{"key":"bill_copy","label":{"en":"Copy of the bill","hi":"बिल की कॉपी"},"types":["pdf","jpeg","png"],"maxSizeBytes":2097152,"required":false}]}'::jsonb
FROM services WHERE slug = 'electricity-bill-payment';

-- Mobile prepaid recharge: no platform fee; the recharge amount (₹10 – ₹5,000) is paid on to the operator.
INSERT INTO services (slug, category_id, name_en, name_hi, description_en, description_hi, platform_fee_paise, government_fee_paise,
  gst_rate_bps, turnaround_days, kyc_required, sort_order, current_form_version, search_text,
  variable_amount, amount_min_paise, amount_max_paise)
SELECT 'mobile-recharge', id, 'Mobile prepaid recharge', 'मोबाइल प्रीपेड रिचार्ज',
  'Recharge a prepaid mobile number of any operator with the amount of the plan you choose.',
  'किसी भी ऑपरेटर के प्रीपेड मोबाइल नंबर पर अपने चुने हुए प्लान की राशि का रिचार्ज करें।',
  0, 0, 1800, 0, false, 20, 1, 'mobile-recharge mobile prepaid recharge मोबाइल प्रीपेड रिचार्ज',
  true, 1000, 500000
FROM service_categories WHERE slug = 'bill-payments';
INSERT INTO service_form_versions (service_id, version, definition)
SELECT id, 1, '{"fields":[{"key":"mobile_number","label":{"en":"Mobile number to recharge","hi":"रिचार्ज करने का मोबाइल नंबर"},"required":true,"help":{"en":"10 digits, without +91","hi":"10 अंक, +91 के बिना"},"type":"text","rules":{"maxLength":10,"pattern":"[6-9][0-9]{9}","patternMessage":{"en":"Enter a 10-digit mobile number starting with 6, 7, 8 or 9.","hi":"6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर लिखें।"}}},{"key":"operator","label":{"en":"Operator","hi":"ऑपरेटर"},"required":true,"type":"select","options":[{"value":"jio","label":{"en":"Jio","hi":"जियो"}},{"value":"airtel","label":{"en":"Airtel","hi":"एयरटेल"}},{"value":"vi","label":{"en":"Vi (Vodafone Idea)","hi":"वीआई (वोडाफ़ोन आइडिया)"}},{"value":"bsnl","label":{"en":"BSNL","hi":"बीएसएनएल"}}]},{"key":"circle","label":{"en":"Telecom circle (state)","hi":"टेलीकॉम सर्कल (राज्य)"},"required":false,"type":"text","rules":{"maxLength":40}}],"documents":[]}'::jsonb
FROM services WHERE slug = 'mobile-recharge';
