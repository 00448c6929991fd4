-- Each tenant's trust graph: entities, typed weighted relationships and evidence.
CREATE TABLE trust_entity (
    tenant_id   UUID         NOT NULL,
    id          VARCHAR(200) NOT NULL,
    type        VARCHAR(20)  NOT NULL,
    name        VARCHAR(200) NOT NULL,
    attributes  TEXT         NOT NULL,
    pretrusted  BOOLEAN      NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT trust_entity_pkey PRIMARY KEY (tenant_id, id)
);
CREATE INDEX trust_entity_type ON trust_entity (tenant_id, type, id);

CREATE TABLE trust_edge (
    tenant_id   UUID             NOT NULL,
    source      VARCHAR(200)     NOT NULL,
    target      VARCHAR(200)     NOT NULL,
    type        VARCHAR(20)      NOT NULL,
    weight      DOUBLE PRECISION NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT trust_edge_pkey PRIMARY KEY (tenant_id, source, target, type)
);
CREATE INDEX trust_edge_target ON trust_edge (tenant_id, target);

CREATE TABLE trust_evidence (
    tenant_id   UUID             NOT NULL,
    id          UUID             NOT NULL,
    subject     VARCHAR(200)     NOT NULL,
    source      VARCHAR(200),
    kind        VARCHAR(100)     NOT NULL,
    positive    BOOLEAN          NOT NULL,
    weight      DOUBLE PRECISION NOT NULL,
    observed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
    details     TEXT             NOT NULL,
    CONSTRAINT trust_evidence_pkey PRIMARY KEY (tenant_id, id)
);
CREATE INDEX trust_evidence_subject ON trust_evidence (tenant_id, subject, observed_at);

-- Computations, the scores and communities of the newest few, and policies.
CREATE TABLE trust_computation (
    tenant_id        UUID             NOT NULL,
    id               UUID             NOT NULL,
    seq              BIGINT           NOT NULL,
    computed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    entities         INT              NOT NULL,
    edges            BIGINT           NOT NULL,
    evidence         BIGINT           NOT NULL,
    iterations       INT              NOT NULL,
    warm_start       BOOLEAN          NOT NULL,
    alpha            DOUBLE PRECISION NOT NULL,
    community_levels INT              NOT NULL,
    modularity       DOUBLE PRECISION NOT NULL,
    millis           BIGINT           NOT NULL,
    CONSTRAINT trust_computation_pkey PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX trust_computation_seq ON trust_computation (tenant_id, seq);

CREATE TABLE trust_score (
    tenant_id      UUID             NOT NULL,
    computation_id UUID             NOT NULL,
    entity         VARCHAR(200)     NOT NULL,
    type           VARCHAR(20)      NOT NULL,
    eigentrust     DOUBLE PRECISION NOT NULL,
    sybilrank      DOUBLE PRECISION,
    reputation     DOUBLE PRECISION NOT NULL,
    uncertainty    DOUBLE PRECISION NOT NULL,
    positive       DOUBLE PRECISION NOT NULL,
    negative       DOUBLE PRECISION NOT NULL,
    CONSTRAINT trust_score_pkey PRIMARY KEY (tenant_id, computation_id, entity)
);
CREATE INDEX trust_score_entity ON trust_score (tenant_id, entity);
CREATE INDEX trust_score_eigentrust ON trust_score (tenant_id, computation_id, eigentrust);
CREATE INDEX trust_score_reputation ON trust_score (tenant_id, computation_id, reputation);
CREATE INDEX trust_score_sybilrank ON trust_score (tenant_id, computation_id, sybilrank);

CREATE TABLE trust_membership (
    tenant_id      UUID         NOT NULL,
    computation_id UUID         NOT NULL,
    entity         VARCHAR(200) NOT NULL,
    level          INT          NOT NULL,
    community      INT          NOT NULL,
    CONSTRAINT trust_membership_pkey PRIMARY KEY (tenant_id, computation_id, level, entity)
);
CREATE INDEX trust_membership_community ON trust_membership (tenant_id, computation_id, level, community);
CREATE INDEX trust_membership_entity ON trust_membership (tenant_id, computation_id, entity);

CREATE TABLE trust_policy (
    tenant_id    UUID             NOT NULL,
    name         VARCHAR(100)     NOT NULL,
    kind         VARCHAR(20)      NOT NULL,
    minimum      DOUBLE PRECISION NOT NULL,
    entity_types VARCHAR(200)     NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT trust_policy_pkey PRIMARY KEY (tenant_id, name)
);
