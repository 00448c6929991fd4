-- Tenants (organisations). Ids are version-7 UUIDs, so the primary key orders by creation
-- and serves cursor paging directly.
CREATE TABLE identity_tenant (
  id         UUID                     NOT NULL,
  slug       VARCHAR(63)              NOT NULL,
  name       VARCHAR(200)             NOT NULL,
  status     VARCHAR(16)              NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT identity_tenant_pkey PRIMARY KEY (id),
  CONSTRAINT identity_tenant_slug_key UNIQUE (slug),
  CONSTRAINT identity_tenant_status_check CHECK (status IN ('ACTIVE', 'SUSPENDED'))
);
