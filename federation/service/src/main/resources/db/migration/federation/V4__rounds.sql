-- Training rounds. A round is OPEN while its chosen nodes train, then COMPLETED with the next
-- global model (kept in blob storage under its version, the round number); a round that got fewer
-- than min_clients updates by its deadline is tried again (attempt + 1) with new nodes.
CREATE TABLE federation_round (
  federation_id      UUID                     NOT NULL,
  round              INTEGER                  NOT NULL,
  attempt            INTEGER                  NOT NULL,
  state              VARCHAR(16)              NOT NULL,
  seed               BIGINT                   NOT NULL,
  selected           INTEGER                  NOT NULL,
  accepted           INTEGER                  NOT NULL DEFAULT 0,
  examples           BIGINT                   NOT NULL DEFAULT 0,
  opened_at          TIMESTAMP WITH TIME ZONE NOT NULL,
  deadline           TIMESTAMP WITH TIME ZONE NOT NULL,
  closed_at          TIMESTAMP WITH TIME ZONE,
  model_sha256       VARCHAR(64),
  metrics            VARCHAR(8000)            NOT NULL DEFAULT '{}',
  aggregation_millis BIGINT,
  CONSTRAINT federation_round_pkey PRIMARY KEY (federation_id, round),
  CONSTRAINT federation_round_federation_fkey FOREIGN KEY (federation_id)
    REFERENCES federation_federation (id),
  CONSTRAINT federation_round_state_check CHECK (state IN ('OPEN', 'COMPLETED'))
);

-- A node's task in a round, and once it reported, its update: the blob's hash and size, what it
-- declared (examples, steps, metrics) and the order it arrived in. A row in state SUBMITTED is an
-- acknowledged update: its blob was stored durably before the row was committed.
CREATE TABLE federation_task (
  federation_id   UUID                     NOT NULL,
  round           INTEGER                  NOT NULL,
  node_id         UUID                     NOT NULL,
  tenant_id       UUID                     NOT NULL,
  state           VARCHAR(16)              NOT NULL,
  training        VARCHAR(1000)            NOT NULL,
  assigned_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  submitted_at    TIMESTAMP WITH TIME ZONE,
  sequence        BIGINT,
  idempotency_key VARCHAR(255),
  update_sha256   VARCHAR(64),
  update_bytes    BIGINT,
  examples        BIGINT,
  steps           INTEGER,
  metrics         VARCHAR(4000),
  data_sha256     VARCHAR(64),
  CONSTRAINT federation_task_pkey PRIMARY KEY (federation_id, round, node_id),
  CONSTRAINT federation_task_round_fkey FOREIGN KEY (federation_id, round)
    REFERENCES federation_round (federation_id, round),
  CONSTRAINT federation_task_state_check CHECK (state IN ('ASSIGNED', 'SUBMITTED', 'LATE'))
);

CREATE INDEX federation_task_node_idx ON federation_task (node_id, federation_id);

-- Resumable uploads of large updates: the chunks received so far are blobs; received counts
-- their bytes.
CREATE TABLE federation_upload (
  id            UUID                     NOT NULL,
  federation_id UUID                     NOT NULL,
  round         INTEGER                  NOT NULL,
  node_id       UUID                     NOT NULL,
  total_bytes   BIGINT                   NOT NULL,
  received      BIGINT                   NOT NULL,
  chunks        INTEGER                  NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT federation_upload_pkey PRIMARY KEY (id)
);

CREATE INDEX federation_upload_task_idx ON federation_upload (federation_id, round, node_id);

-- Each federation's seed (every sampling and initialisation draws from it), its final model and
-- the provenance recorded with it, and why it failed if it did.
ALTER TABLE federation_federation ADD COLUMN seed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE federation_federation ADD COLUMN model_sha256 VARCHAR(64);
ALTER TABLE federation_federation ADD COLUMN provenance VARCHAR(16000);
ALTER TABLE federation_federation ADD COLUMN failure VARCHAR(1000);
