-- Under trust(S) with trust-source service: the trust service's reputation of each chosen node when
-- its round opened, so that a restarted coordinator weighs the round's updates as before.
ALTER TABLE federation_task ADD COLUMN trust DOUBLE PRECISION;
