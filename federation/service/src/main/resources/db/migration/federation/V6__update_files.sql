-- Each delivery of an update is written under a key of its own, kept with the acknowledged task,
-- so that a second delivery of the same update can never overwrite or remove the first.
ALTER TABLE federation_task ADD COLUMN update_key VARCHAR(400);
