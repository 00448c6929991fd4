-- The request behind each explanation job still running, so that a server that stops mid-job runs
-- it again when it starts (attempts counts the runs begun; a job is failed after three).
CREATE TABLE explain_job (
    tenant_id  UUID        NOT NULL,
    id         UUID        NOT NULL,
    request    TEXT        NOT NULL,
    attempts   INT         NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT explain_job_pkey PRIMARY KEY (id)
);
