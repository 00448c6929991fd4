-- Federated analyses: statistics computed across a federation's nodes from summaries of their own
-- data (confusion counts per group, sums of attributions), added up by the coordinator. An
-- analysis on the final model WAITS until the federation completes; it is OPEN while nodes send
-- their summaries, and COMPLETED (with its result) or FAILED (with the reason) after. The sum is
-- recomputed from the stored summaries, so a restarted coordinator loses none.
CREATE TABLE federation_analysis (
  id               UUID                     NOT NULL,
  federation_id    UUID                     NOT NULL,
  kind             VARCHAR(64)              NOT NULL,
  spec             TEXT                     NOT NULL,
  model_version    INTEGER,
  length           INTEGER                  NOT NULL,
  min_contributors INTEGER                  NOT NULL,
  timeout_seconds  INTEGER                  NOT NULL,
  state            VARCHAR(16)              NOT NULL,
  contributors     INTEGER                  NOT NULL DEFAULT 0,
  declined         INTEGER                  NOT NULL DEFAULT 0,
  result           TEXT,
  failure          VARCHAR(2000),
  created_by       VARCHAR(255)             NOT NULL,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  opened_at        TIMESTAMP WITH TIME ZONE,
  deadline         TIMESTAMP WITH TIME ZONE,
  closed_at        TIMESTAMP WITH TIME ZONE,
  CONSTRAINT federation_analysis_pkey PRIMARY KEY (id),
  CONSTRAINT federation_analysis_federation_fkey FOREIGN KEY (federation_id)
    REFERENCES federation_federation (id),
  CONSTRAINT federation_analysis_state_check
    CHECK (state IN ('WAITING', 'OPEN', 'COMPLETED', 'FAILED'))
);

CREATE INDEX federation_analysis_federation_idx ON federation_analysis (federation_id, created_at);
CREATE INDEX federation_analysis_state_idx ON federation_analysis (state);

-- A node's answer to an analysis: its summary (a JSON array of numbers), or why it declined.
CREATE TABLE federation_analysis_summary (
  analysis_id UUID                     NOT NULL,
  node_id     UUID                     NOT NULL,
  tenant_id   UUID                     NOT NULL,
  summary     TEXT,
  declined    VARCHAR(1000),
  sha256      VARCHAR(64)              NOT NULL,
  received_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT federation_analysis_summary_pkey PRIMARY KEY (analysis_id, node_id),
  CONSTRAINT federation_analysis_summary_analysis_fkey FOREIGN KEY (analysis_id)
    REFERENCES federation_analysis (id)
);
