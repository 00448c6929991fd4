-- Where a key's material comes from: 'generated' in the key manager, 'imported' (BYOK) or
-- 'restored' from a backup (NULL for keys created before this was kept); and whether a backup of it
-- was ever taken. Only generated keys never backed up are attested: no copy of them can exist
-- outside the key manager.
ALTER TABLE crypto_key ADD COLUMN origin VARCHAR(16);
ALTER TABLE crypto_key ADD COLUMN backed_up BOOLEAN NOT NULL DEFAULT FALSE;
