-- Idempotency-Key records (io.truststram.platform.idempotency). One row per (scope, key): the
-- fingerprint of the first request, and once it finished, its response for replay.
CREATE TABLE platform_idempotency_key (
  scope            VARCHAR(200)             NOT NULL,
  idem_key         VARCHAR(255)             NOT NULL,
  fingerprint      VARCHAR(64)              NOT NULL,
  state            VARCHAR(16)              NOT NULL,
  -- Random per claim: only the request holding the claim may complete or release it.
  claim_token      VARCHAR(36)              NOT NULL,
  locked_until     TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  response_status  INT,
  -- Replayed headers, one "Name: value" per line.
  response_headers VARCHAR,
  response_body    BYTEA,
  CONSTRAINT platform_idempotency_key_pkey PRIMARY KEY (scope, idem_key),
  CONSTRAINT platform_idempotency_key_state_check CHECK (state IN ('IN_PROGRESS', 'COMPLETED'))
);

CREATE INDEX platform_idempotency_key_expires_idx ON platform_idempotency_key (expires_at);
