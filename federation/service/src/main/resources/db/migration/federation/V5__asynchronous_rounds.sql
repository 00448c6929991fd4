-- The round an acknowledged update was folded into. In synchronous rounds it is the round the task
-- was handed out in; under FedBuff a straggler's update may be folded into a later version.
ALTER TABLE federation_task ADD COLUMN folded_round INTEGER;
UPDATE federation_task SET folded_round = round WHERE state = 'SUBMITTED';
CREATE INDEX federation_task_folded_idx ON federation_task (federation_id, folded_round, sequence);
