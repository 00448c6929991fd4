-- The installation's wrapping key for BYOK imports: an X-Wing key pair whose public half callers
-- seal their key material to; its secret half is wrapped by the KEK like every other key.
CREATE TABLE crypto_wrapping_key (
  id             VARCHAR(32)              NOT NULL,
  algorithm      VARCHAR(32)              NOT NULL,
  public_key     BYTEA                    NOT NULL,
  wrapped_secret BYTEA                    NOT NULL,
  kek_id         VARCHAR(64)              NOT NULL,
  created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT crypto_wrapping_key_pkey PRIMARY KEY (id)
);
