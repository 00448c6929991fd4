-- Tenants whose graph changed since their last computation: kept in the store so that a restart
-- still recomputes them.
CREATE TABLE trust_changed (
    tenant_id  UUID                     NOT NULL,
    changed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT trust_changed_pkey PRIMARY KEY (tenant_id)
);
