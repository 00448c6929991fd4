-- Each data owner's (tenant's) privacy spending across every federation its nodes are eligible
-- for: the total Renyi DP of those federations' private rounds at each of the accountant's
-- default orders (comma-separated), and the epsilon that gives at the tenant's delta. A tenant may
-- cap it (epsilon_cap); its nodes are then kept out of any round that would pass the cap, and out
-- of federations without differential privacy.
CREATE TABLE federation_tenant_privacy (
  tenant_id     UUID                     NOT NULL,
  epsilon_cap   DOUBLE PRECISION,
  delta         DOUBLE PRECISION         NOT NULL,
  rounds        INTEGER                  NOT NULL,
  rdp           TEXT                     NOT NULL,
  epsilon_spent DOUBLE PRECISION         NOT NULL,
  updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT federation_tenant_privacy_pkey PRIMARY KEY (tenant_id)
);
