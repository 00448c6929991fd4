-- The seed of ML-KEM and ML-DSA key versions (FIPS 203 d || z, FIPS 204 xi), wrapped by the KEK
-- like the secret key: what an export gives as PKCS#8 in the seed form. NULL for other types, and
-- for versions imported or created before seeds were kept.
ALTER TABLE crypto_key_version ADD COLUMN wrapped_seed BYTEA;
