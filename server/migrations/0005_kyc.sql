-- KYC: customer identity details and documents, reviewed by operators (server/src/modules/kyc/README.md).
-- Invariants enforced here, not only in code:
--  * only the last four digits of an Aadhaar number are stored (the column cannot hold more);
--  * the PAN is stored encrypted (envelope encryption, `sk1.` values), never in clear;
--  * a profile's state only moves along the allowed transitions (trigger below);
--  * one current document per kind and customer; files live in the encrypted store under object_key.

-- An account that has ended (no self-service closing exists yet; set by staff or a future flow).
-- KYC records are kept KYC_RETENTION_DAYS after this moment, then purged.
ALTER TABLE users ADD COLUMN closed_at timestamptz;

CREATE TABLE kyc_profiles (
  user_id           uuid PRIMARY KEY REFERENCES users (id),
  state             text NOT NULL DEFAULT 'not_started'
                    CHECK (state IN ('not_started', 'submitted', 'approved', 'rejected', 'resubmitted')),
  legal_name        text CHECK (length(legal_name) BETWEEN 1 AND 100),
  pan_encrypted     text CHECK (pan_encrypted LIKE 'sk1.%'),
  aadhaar_last4     text CHECK (aadhaar_last4 ~ '^[0-9]{4}$'),
  date_of_birth     date,
  address_line1     text CHECK (length(address_line1) BETWEEN 1 AND 200),
  address_line2     text CHECK (length(address_line2) <= 200),
  city              text CHECK (length(city) BETWEEN 1 AND 100),
  region            text CHECK (length(region) BETWEEN 1 AND 100),
  pincode           text CHECK (pincode ~ '^[1-9][0-9]{5}$'),
  submission_count  integer NOT NULL DEFAULT 0,
  submitted_at      timestamptz,
  reviewed_at       timestamptz,
  reviewed_by       uuid REFERENCES users (id),
  rejection_reason  text CHECK (length(rejection_reason) <= 500),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'rejected') = (rejection_reason IS NOT NULL)),
  CHECK (state IN ('not_started') OR submitted_at IS NOT NULL)
);
CREATE INDEX kyc_profiles_queue_idx ON kyc_profiles (state, submitted_at);

-- not_started → submitted; submitted | resubmitted → approved | rejected; rejected → resubmitted.
CREATE FUNCTION kyc_state_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state = OLD.state THEN RETURN NEW; END IF;
  IF (OLD.state = 'not_started' AND NEW.state = 'submitted')
     OR (OLD.state IN ('submitted', 'resubmitted') AND NEW.state IN ('approved', 'rejected'))
     OR (OLD.state = 'rejected' AND NEW.state = 'resubmitted') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'kyc state cannot move from % to %', OLD.state, NEW.state USING ERRCODE = 'check_violation';
END
$$;

CREATE TRIGGER kyc_profiles_state_forward
  BEFORE UPDATE OF state ON kyc_profiles
  FOR EACH ROW EXECUTE FUNCTION kyc_state_forward();

CREATE TABLE kyc_documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES kyc_profiles (user_id),
  kind          text NOT NULL CHECK (kind IN ('pan_card', 'aadhaar_masked', 'photo', 'address_proof')),
  object_key    text NOT NULL UNIQUE,
  content_type  text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/webp')),
  size_bytes    integer NOT NULL CHECK (size_bytes > 0),
  width         integer,
  height        integer,
  uploaded_at   timestamptz NOT NULL DEFAULT now(),
  -- Set when the document was part of a submission; a draft upload replaced before submitting is
  -- deleted instead, a submitted one is kept (superseded) for the record.
  submitted_at  timestamptz,
  superseded_at timestamptz
);
CREATE UNIQUE INDEX kyc_documents_current_key ON kyc_documents (user_id, kind) WHERE superseded_at IS NULL;
CREATE INDEX kyc_documents_user_idx ON kyc_documents (user_id, uploaded_at DESC);
