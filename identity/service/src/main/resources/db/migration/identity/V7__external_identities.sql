-- Which TrustStram user an identity of an external OpenID Connect provider signs in as, keyed on
-- what identifies it for good: the provider's issuer and the subject it gives the user (the
-- preferred_username a provider sends may change, or be given to someone else later).
CREATE TABLE identity_external_identity (
  issuer     VARCHAR(500)             NOT NULL,
  subject    VARCHAR(255)             NOT NULL,
  user_id    UUID                     NOT NULL,
  linked_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT identity_external_identity_pkey PRIMARY KEY (issuer, subject),
  CONSTRAINT identity_external_identity_user_fkey FOREIGN KEY (user_id) REFERENCES identity_user (id)
    ON DELETE CASCADE
);

CREATE UNIQUE INDEX identity_external_identity_user_idx ON identity_external_identity (user_id);
