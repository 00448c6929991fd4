-- The tenants taking part in a federation beside its owner: the only way one tenant sees another's
-- records. An invitation is a grant the owner makes; the invited tenant joins (or not), and may
-- leave; each step is kept with who took it and when.
CREATE TABLE federation_participant (
  federation_id UUID                     NOT NULL,
  tenant_id     UUID                     NOT NULL,
  state         VARCHAR(16)              NOT NULL,
  invited_by    VARCHAR(254)             NOT NULL,
  invited_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  joined_by     VARCHAR(254),
  joined_at     TIMESTAMP WITH TIME ZONE,
  left_at       TIMESTAMP WITH TIME ZONE,
  CONSTRAINT federation_participant_pkey PRIMARY KEY (federation_id, tenant_id),
  CONSTRAINT federation_participant_federation_fkey FOREIGN KEY (federation_id)
    REFERENCES federation_federation (id),
  CONSTRAINT federation_participant_state_check CHECK (state IN ('INVITED', 'ACTIVE', 'LEFT'))
);

CREATE INDEX federation_participant_tenant_idx ON federation_participant (tenant_id, federation_id);
