-- The audit trail: an append-only log per tenant, hashed as an RFC 9162 Merkle tree.

-- The head of each log: its size and root, locked (SELECT ... FOR UPDATE) by the one transaction
-- that appends to it at a time, whichever replica runs it.
CREATE TABLE audit_log (
  tenant_id  UUID                     NOT NULL,
  size       BIGINT                   NOT NULL,
  root_hash  BYTEA                    NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT audit_log_pkey PRIMARY KEY (tenant_id)
);

-- The entries. data is the entry's canonical JSON exactly as hashed; leaf_hash is
-- SHA-256(0x00 || data) as computed when it was appended. The other columns repeat fields of data
-- for the queries and are not trusted by verification.
CREATE TABLE audit_entry (
  tenant_id   UUID                     NOT NULL,
  idx         BIGINT                   NOT NULL,
  record_id   UUID                     NOT NULL,
  occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
  principal   VARCHAR(256)             NOT NULL,
  action      VARCHAR(256)             NOT NULL,
  resource    VARCHAR(1024)            NOT NULL,
  outcome     VARCHAR(16)              NOT NULL,
  data        TEXT                     NOT NULL,
  leaf_hash   BYTEA                    NOT NULL,
  CONSTRAINT audit_entry_pkey PRIMARY KEY (tenant_id, idx),
  CONSTRAINT audit_entry_record UNIQUE (tenant_id, record_id)
);
CREATE INDEX audit_entry_principal ON audit_entry (tenant_id, principal, idx);
CREATE INDEX audit_entry_action ON audit_entry (tenant_id, action, idx);
CREATE INDEX audit_entry_time ON audit_entry (tenant_id, occurred_at, idx);

-- The hash of every complete subtree above the leaves: subtree idx at level covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Proofs read O(log^2 n) of them, never the whole log.
CREATE TABLE audit_node (
  tenant_id UUID     NOT NULL,
  level     SMALLINT NOT NULL,
  idx       BIGINT   NOT NULL,
  hash      BYTEA    NOT NULL,
  CONSTRAINT audit_node_pkey PRIMARY KEY (tenant_id, level, idx)
);

-- Signed checkpoints: the log's size and root at a time, signed by the tenant's audit key.
CREATE TABLE audit_checkpoint (
  tenant_id   UUID                     NOT NULL,
  size        BIGINT                   NOT NULL,
  root_hash   BYTEA                    NOT NULL,
  signed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  algorithm   VARCHAR(64)              NOT NULL,
  key_version INTEGER                  NOT NULL,
  signature   BYTEA                    NOT NULL,
  CONSTRAINT audit_checkpoint_pkey PRIMARY KEY (tenant_id, size)
);
