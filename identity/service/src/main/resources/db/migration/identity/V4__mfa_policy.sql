-- Which roles of a tenant must sign in with a second factor. A tenant without a row requires none.
CREATE TABLE identity_mfa_policy (
  tenant_id      UUID         NOT NULL,
  required_roles VARCHAR(500) NOT NULL,
  CONSTRAINT identity_mfa_policy_pkey PRIMARY KEY (tenant_id),
  CONSTRAINT identity_mfa_policy_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES identity_tenant (id)
);
