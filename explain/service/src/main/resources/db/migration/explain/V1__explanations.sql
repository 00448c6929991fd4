-- Models uploaded to explain (their bytes are blobs under explain/<tenant>/models/).
CREATE TABLE explain_model (
    tenant_id   UUID         NOT NULL,
    id          UUID         NOT NULL,
    name        VARCHAR(200) NOT NULL,
    format      VARCHAR(20)  NOT NULL,
    sha256      CHAR(64)     NOT NULL,
    size_bytes  BIGINT       NOT NULL,
    features    TEXT         NOT NULL,
    outputs     INT          NOT NULL,
    blob_key    VARCHAR(400) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT explain_model_pkey PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX explain_model_id ON explain_model (id);

-- Every explanation served, with what it depends on (the archive of Article 86 AI Act).
CREATE TABLE explain_explanation (
    tenant_id      UUID         NOT NULL,
    id             UUID         NOT NULL,
    model_id       UUID         NOT NULL,
    model_sha256   CHAR(64)     NOT NULL,
    method         VARCHAR(40)  NOT NULL,
    status         VARCHAR(20)  NOT NULL,
    row_count      INT          NOT NULL,
    rows_done      INT          NOT NULL,
    features       TEXT         NOT NULL,
    expected_value TEXT,
    provenance     TEXT,
    error          VARCHAR(2000),
    cached         BOOLEAN      NOT NULL,
    principal      VARCHAR(200) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at    TIMESTAMP WITH TIME ZONE,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT explain_explanation_pkey PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX explain_explanation_id ON explain_explanation (id);
CREATE INDEX explain_explanation_expiry ON explain_explanation (expires_at);

-- Each explained row: its input, output and attributions, and the decision it explains.
CREATE TABLE explain_row (
    tenant_id      UUID        NOT NULL,
    explanation_id UUID        NOT NULL,
    row_index      INT         NOT NULL,
    decision_id    VARCHAR(200),
    input          TEXT        NOT NULL,
    output         TEXT        NOT NULL,
    attributions   TEXT        NOT NULL,
    detail         TEXT,
    CONSTRAINT explain_row_pkey PRIMARY KEY (tenant_id, explanation_id, row_index)
);
CREATE INDEX explain_row_decision ON explain_row (tenant_id, decision_id);

-- How long a tenant keeps explanations (Article 19: six months at least).
CREATE TABLE explain_retention (
    tenant_id  UUID NOT NULL,
    days       INT  NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT explain_retention_pkey PRIMARY KEY (tenant_id)
);

-- Bias policies by name, for gates.
CREATE TABLE explain_policy (
    tenant_id  UUID         NOT NULL,
    name       VARCHAR(100) NOT NULL,
    body       TEXT         NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT explain_policy_pkey PRIMARY KEY (tenant_id, name)
);

-- Signed compliance reports (their HTML and PDF are blobs under explain/<tenant>/reports/).
CREATE TABLE explain_report (
    tenant_id         UUID         NOT NULL,
    id                UUID         NOT NULL,
    model_id          UUID         NOT NULL,
    title             VARCHAR(300) NOT NULL,
    manifest          TEXT         NOT NULL,
    signature_alg     VARCHAR(60),
    signature_key     INT,
    signature         BYTEA,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT explain_report_pkey PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX explain_report_id ON explain_report (id);
