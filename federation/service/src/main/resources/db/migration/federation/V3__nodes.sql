-- Client nodes: the machines of the owner or a participant tenant that train in a federation, each
-- with its own OAuth client (client credentials) so that it authenticates as itself.
CREATE TABLE federation_node (
  id                UUID                     NOT NULL,
  federation_id     UUID                     NOT NULL,
  tenant_id         UUID                     NOT NULL,
  name              VARCHAR(200)             NOT NULL,
  client_id         VARCHAR(100)             NOT NULL,
  examples          BIGINT                   NOT NULL,
  capabilities      VARCHAR(4000)            NOT NULL,
  registered_by     VARCHAR(254)             NOT NULL,
  registered_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  last_heartbeat_at TIMESTAMP WITH TIME ZONE,
  removed_at        TIMESTAMP WITH TIME ZONE,
  CONSTRAINT federation_node_pkey PRIMARY KEY (id),
  CONSTRAINT federation_node_client_key UNIQUE (client_id),
  CONSTRAINT federation_node_federation_fkey FOREIGN KEY (federation_id)
    REFERENCES federation_federation (id)
);

CREATE INDEX federation_node_federation_idx ON federation_node (federation_id, tenant_id);
