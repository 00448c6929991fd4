-- Each tenant's graph revision: one more with every write. A service that keeps the graph in memory
-- applies its own writes to it and knows from this count whether another instance wrote meanwhile.
CREATE TABLE trust_revision (
    tenant_id UUID   NOT NULL,
    revision  BIGINT NOT NULL,
    CONSTRAINT trust_revision_pkey PRIMARY KEY (tenant_id)
);
