-- People who sign in. A user belongs to exactly one tenant; the login name is unique across the
-- installation (one sign-in page for every tenant). password_hash is a Spring Security
-- DelegatingPasswordEncoder value ({argon2@SpringSecurity_v5_8}...), NULL for federated users.
CREATE TABLE identity_user (
  id                   UUID                     NOT NULL,
  tenant_id            UUID                     NOT NULL,
  username             VARCHAR(254)             NOT NULL,
  display_name         VARCHAR(200)             NOT NULL,
  password_hash        VARCHAR(255),
  roles                VARCHAR(500)             NOT NULL,
  status               VARCHAR(16)              NOT NULL,
  must_change_password BOOLEAN                  NOT NULL,
  failed_logins        INTEGER                  NOT NULL DEFAULT 0,
  locked_until         TIMESTAMP WITH TIME ZONE,
  password_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  totp_secret          VARCHAR(200),
  totp_enabled         BOOLEAN                  NOT NULL DEFAULT FALSE,
  totp_last_step       BIGINT                   NOT NULL DEFAULT 0,
  created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT identity_user_pkey PRIMARY KEY (id),
  CONSTRAINT identity_user_username_key UNIQUE (username),
  CONSTRAINT identity_user_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES identity_tenant (id),
  CONSTRAINT identity_user_status_check CHECK (status IN ('ACTIVE', 'DISABLED'))
);

CREATE INDEX identity_user_tenant_idx ON identity_user (tenant_id, id);

-- Single-use MFA recovery codes, stored as hashes.
CREATE TABLE identity_recovery_code (
  user_id    UUID                     NOT NULL,
  code_hash  VARCHAR(255)             NOT NULL,
  used_at    TIMESTAMP WITH TIME ZONE,
  CONSTRAINT identity_recovery_code_user_fkey FOREIGN KEY (user_id) REFERENCES identity_user (id)
    ON DELETE CASCADE
);

CREATE INDEX identity_recovery_code_user_idx ON identity_recovery_code (user_id);

-- What TrustStram knows of an OAuth client beyond Spring Authorization Server's registration:
-- whose it is and which roles its own tokens (client credentials) carry.
CREATE TABLE identity_client (
  client_id  VARCHAR(100)             NOT NULL,
  tenant_id  UUID                     NOT NULL,
  roles      VARCHAR(500)             NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT identity_client_pkey PRIMARY KEY (client_id),
  CONSTRAINT identity_client_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES identity_tenant (id)
);

CREATE INDEX identity_client_tenant_idx ON identity_client (tenant_id, client_id);

-- Token signing keys. The private key is stored wrapped (AES-256-GCM) by the key-encryption key;
-- the public key in X.509 form. A key signs from activated_at until the next key is activated,
-- and is published in the JWKS until publish_until, when no token it signed can still be valid.
CREATE TABLE identity_signing_key (
  kid           VARCHAR(64)              NOT NULL,
  algorithm     VARCHAR(16)              NOT NULL,
  public_key    VARCHAR(4000)            NOT NULL,
  private_key   VARCHAR(8000)            NOT NULL,
  activated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  publish_until TIMESTAMP WITH TIME ZONE,
  CONSTRAINT identity_signing_key_pkey PRIMARY KEY (kid)
);
