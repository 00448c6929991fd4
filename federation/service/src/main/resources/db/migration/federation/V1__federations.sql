-- Federations (training jobs), each owned by one tenant. The model and strategy are kept as the
-- owner gave them (validated on creation); the lifecycle state moves forward only.
CREATE TABLE federation_federation (
  id                    UUID                     NOT NULL,
  tenant_id             UUID                     NOT NULL,
  name                  VARCHAR(200)             NOT NULL,
  strategy              VARCHAR(64)              NOT NULL,
  strategy_parameters   VARCHAR(4000)            NOT NULL,
  model_kind            VARCHAR(16)              NOT NULL,
  model_inputs          INTEGER                  NOT NULL,
  model_classes         INTEGER                  NOT NULL,
  model_hidden          VARCHAR(200)             NOT NULL,
  rounds                INTEGER                  NOT NULL,
  clients_per_round     INTEGER                  NOT NULL,
  min_clients           INTEGER                  NOT NULL,
  round_timeout_seconds INTEGER                  NOT NULL,
  state                 VARCHAR(16)              NOT NULL,
  current_round         INTEGER                  NOT NULL DEFAULT 0,
  created_by            VARCHAR(254)             NOT NULL,
  created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT federation_federation_pkey PRIMARY KEY (id),
  CONSTRAINT federation_federation_name_key UNIQUE (tenant_id, name),
  CONSTRAINT federation_federation_state_check
    CHECK (state IN ('CREATED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'))
);

CREATE INDEX federation_federation_tenant_idx ON federation_federation (tenant_id, id);
