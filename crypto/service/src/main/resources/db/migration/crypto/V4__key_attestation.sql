-- Key attestations: each one the key manager signed, the key version it names and the subject it
-- was made for. A key with an attestation is bound to that subject, and is never made exportable
-- nor backed up again (a restored copy could be).
CREATE TABLE crypto_key_attestation (
  id           UUID                     NOT NULL,
  key_id       UUID                     NOT NULL,
  version      INTEGER                  NOT NULL,
  subject      VARCHAR(200)             NOT NULL,
  subject_type VARCHAR(32)              NOT NULL,
  attested_by  VARCHAR(254)             NOT NULL,
  attested_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT crypto_key_attestation_pkey PRIMARY KEY (id),
  CONSTRAINT crypto_key_attestation_key_fkey FOREIGN KEY (key_id) REFERENCES crypto_key (id)
    ON DELETE CASCADE
);

CREATE INDEX crypto_key_attestation_key_idx ON crypto_key_attestation (key_id, version);
