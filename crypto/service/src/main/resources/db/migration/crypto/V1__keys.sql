-- The key manager's named keys, one row per tenant and name, and their versions. Secret material
-- is stored only wrapped (AES-256-GCM) by the key-encryption key named in kek_id, with the tenant,
-- key and version as associated data, so a row moved to another key or version does not unwrap.
CREATE TABLE crypto_key (
  id                     UUID                     NOT NULL,
  tenant_id              UUID                     NOT NULL,
  name                   VARCHAR(128)             NOT NULL,
  key_type               VARCHAR(32)              NOT NULL,
  latest_version         INTEGER                  NOT NULL,
  min_decryption_version INTEGER                  NOT NULL,
  min_encryption_version INTEGER                  NOT NULL,
  min_available_version  INTEGER                  NOT NULL,
  exportable             BOOLEAN                  NOT NULL,
  deletion_allowed       BOOLEAN                  NOT NULL,
  auto_rotate_seconds    BIGINT                   NOT NULL,
  created_by             VARCHAR(254)             NOT NULL,
  created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT crypto_key_pkey PRIMARY KEY (id),
  CONSTRAINT crypto_key_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE crypto_key_version (
  key_id          UUID                     NOT NULL,
  version         INTEGER                  NOT NULL,
  public_key      BYTEA,
  wrapped_secret  BYTEA                    NOT NULL,
  wrapped_hmac    BYTEA                    NOT NULL,
  kek_id          VARCHAR(64)              NOT NULL,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT crypto_key_version_pkey PRIMARY KEY (key_id, version),
  CONSTRAINT crypto_key_version_key_fkey FOREIGN KEY (key_id) REFERENCES crypto_key (id)
    ON DELETE CASCADE
);

-- Each tenant's crypto policy: which key types it may create.
CREATE TABLE crypto_policy (
  tenant_id  UUID                     NOT NULL,
  policy     VARCHAR(16)              NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT crypto_policy_pkey PRIMARY KEY (tenant_id),
  CONSTRAINT crypto_policy_check CHECK (policy IN ('CLASSICAL', 'HYBRID', 'PQ_ONLY'))
);
