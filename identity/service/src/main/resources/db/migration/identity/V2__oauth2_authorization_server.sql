-- Spring Authorization Server's tables (names fixed by its JDBC services, so they do not carry the
-- identity_ prefix). Its shipped DDL uses blob/timestamp; large values are VARCHAR here so the same
-- script serves H2 (PostgreSQL mode) and PostgreSQL and both bind them as strings.
CREATE TABLE oauth2_registered_client (
  id                            VARCHAR(100)  NOT NULL,
  client_id                     VARCHAR(100)  NOT NULL,
  client_id_issued_at           TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
  client_secret                 VARCHAR(200),
  client_secret_expires_at      TIMESTAMP WITH TIME ZONE,
  client_name                   VARCHAR(200)  NOT NULL,
  client_authentication_methods VARCHAR(1000) NOT NULL,
  authorization_grant_types     VARCHAR(1000) NOT NULL,
  redirect_uris                 VARCHAR(1000),
  post_logout_redirect_uris     VARCHAR(1000),
  scopes                        VARCHAR(1000) NOT NULL,
  client_settings               VARCHAR(2000) NOT NULL,
  token_settings                VARCHAR(2000) NOT NULL,
  CONSTRAINT oauth2_registered_client_pkey PRIMARY KEY (id),
  CONSTRAINT oauth2_registered_client_client_id_key UNIQUE (client_id)
);

CREATE TABLE oauth2_authorization (
  id                            VARCHAR(100)  NOT NULL,
  registered_client_id          VARCHAR(100)  NOT NULL,
  principal_name                VARCHAR(200)  NOT NULL,
  authorization_grant_type      VARCHAR(100)  NOT NULL,
  authorized_scopes             VARCHAR(1000),
  attributes                    VARCHAR(100000),
  state                         VARCHAR(500),
  authorization_code_value      VARCHAR(100000),
  authorization_code_issued_at  TIMESTAMP WITH TIME ZONE,
  authorization_code_expires_at TIMESTAMP WITH TIME ZONE,
  authorization_code_metadata   VARCHAR(100000),
  access_token_value            VARCHAR(100000),
  access_token_issued_at        TIMESTAMP WITH TIME ZONE,
  access_token_expires_at       TIMESTAMP WITH TIME ZONE,
  access_token_metadata         VARCHAR(100000),
  access_token_type             VARCHAR(100),
  access_token_scopes           VARCHAR(1000),
  oidc_id_token_value           VARCHAR(100000),
  oidc_id_token_issued_at       TIMESTAMP WITH TIME ZONE,
  oidc_id_token_expires_at      TIMESTAMP WITH TIME ZONE,
  oidc_id_token_metadata        VARCHAR(100000),
  refresh_token_value           VARCHAR(100000),
  refresh_token_issued_at       TIMESTAMP WITH TIME ZONE,
  refresh_token_expires_at      TIMESTAMP WITH TIME ZONE,
  refresh_token_metadata        VARCHAR(100000),
  user_code_value               VARCHAR(100000),
  user_code_issued_at           TIMESTAMP WITH TIME ZONE,
  user_code_expires_at          TIMESTAMP WITH TIME ZONE,
  user_code_metadata            VARCHAR(100000),
  device_code_value             VARCHAR(100000),
  device_code_issued_at         TIMESTAMP WITH TIME ZONE,
  device_code_expires_at        TIMESTAMP WITH TIME ZONE,
  device_code_metadata          VARCHAR(100000),
  CONSTRAINT oauth2_authorization_pkey PRIMARY KEY (id)
);

CREATE INDEX oauth2_authorization_principal_idx ON oauth2_authorization (principal_name);

CREATE TABLE oauth2_authorization_consent (
  registered_client_id VARCHAR(100)  NOT NULL,
  principal_name       VARCHAR(200)  NOT NULL,
  authorities          VARCHAR(1000) NOT NULL,
  CONSTRAINT oauth2_authorization_consent_pkey PRIMARY KEY (registered_client_id, principal_name)
);
