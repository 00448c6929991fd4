-- Each tenant's attribute-based access policies, as one JSON document replaced as a whole.
CREATE TABLE identity_policy (
  tenant_id  UUID                     NOT NULL,
  document   VARCHAR(100000)          NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT identity_policy_pkey PRIMARY KEY (tenant_id),
  CONSTRAINT identity_policy_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES identity_tenant (id)
);
