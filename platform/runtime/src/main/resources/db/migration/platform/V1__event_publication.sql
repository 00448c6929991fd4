-- Spring Modulith's JDBC event publication registry (schema version 2, Modulith 2.0).
-- Written once for H2 (PostgreSQL mode) and PostgreSQL. Completed publications are deleted
-- (spring.modulith.events.completion-mode=delete), so the table holds only events whose
-- listeners have not finished, and the look-up by listener needs no index on the payload.
CREATE TABLE event_publication (
  id                     UUID                     NOT NULL,
  listener_id            VARCHAR(512)             NOT NULL,
  event_type             VARCHAR(512)             NOT NULL,
  serialized_event       VARCHAR                  NOT NULL,
  publication_date       TIMESTAMP WITH TIME ZONE NOT NULL,
  completion_date        TIMESTAMP WITH TIME ZONE,
  status                 VARCHAR(20),
  completion_attempts    INT,
  last_resubmission_date TIMESTAMP WITH TIME ZONE,
  CONSTRAINT event_publication_pkey PRIMARY KEY (id)
);

CREATE INDEX event_publication_by_listener_idx ON event_publication (listener_id);
CREATE INDEX event_publication_by_completion_date_idx ON event_publication (completion_date);
