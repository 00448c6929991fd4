-- WebAuthn passkeys and security keys. Table and column names are fixed by Spring Security's JDBC
-- repositories (JdbcPublicKeyCredentialUserEntityRepository, JdbcUserCredentialRepository), so they
-- do not carry the identity_ prefix. A WebAuthn user entity is one of our users, by login name; a
-- user's passkeys go when the user goes.
CREATE TABLE user_entities (
  id           VARCHAR(1000) NOT NULL,
  name         VARCHAR(254)  NOT NULL,
  display_name VARCHAR(200),
  CONSTRAINT user_entities_pkey PRIMARY KEY (id),
  CONSTRAINT user_entities_name_key UNIQUE (name),
  CONSTRAINT user_entities_user_fkey FOREIGN KEY (name) REFERENCES identity_user (username)
    ON DELETE CASCADE
);

CREATE TABLE user_credentials (
  credential_id                VARCHAR(1000) NOT NULL,
  user_entity_user_id          VARCHAR(1000) NOT NULL,
  public_key                   BYTEA         NOT NULL,
  signature_count              BIGINT,
  uv_initialized               BOOLEAN,
  backup_eligible              BOOLEAN       NOT NULL,
  authenticator_transports     VARCHAR(1000),
  public_key_credential_type   VARCHAR(100),
  backup_state                 BOOLEAN       NOT NULL,
  attestation_object           BYTEA,
  attestation_client_data_json BYTEA,
  created                      TIMESTAMP,
  last_used                    TIMESTAMP,
  label                        VARCHAR(1000) NOT NULL,
  CONSTRAINT user_credentials_pkey PRIMARY KEY (credential_id),
  CONSTRAINT user_credentials_user_fkey FOREIGN KEY (user_entity_user_id)
    REFERENCES user_entities (id) ON DELETE CASCADE
);

CREATE INDEX user_credentials_user_idx ON user_credentials (user_entity_user_id);
