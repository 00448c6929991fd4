-- Top-k from rankings: the first 1,000 entities by each score, overall and within each entity
-- type, written with the computation (rank 1 the highest, ties by id). A ranking query reads k
-- rows of this small table instead of sorting every score of the computation, and the score
-- table keeps two indexes instead of one per score kind (inserting 100,000 scores took 6.4 s on
-- H2 with the value indexes).
DROP INDEX trust_score_eigentrust;
DROP INDEX trust_score_reputation;
DROP INDEX trust_score_sybilrank;

CREATE TABLE trust_ranking (
    tenant_id      UUID         NOT NULL,
    computation_id UUID         NOT NULL,
    kind           VARCHAR(20)  NOT NULL,
    scope          VARCHAR(20)  NOT NULL,
    rank           INT          NOT NULL,
    entity         VARCHAR(200) NOT NULL,
    CONSTRAINT trust_ranking_pkey PRIMARY KEY (tenant_id, computation_id, kind, scope, rank)
);

-- An entity's communities are read by entity: make that the key's order, and drop the index
-- that did the same.
ALTER TABLE trust_membership DROP CONSTRAINT trust_membership_pkey;
ALTER TABLE trust_membership ADD CONSTRAINT trust_membership_pkey
    PRIMARY KEY (tenant_id, computation_id, entity, level);
DROP INDEX trust_membership_entity;

-- Communities depend on the social graph only. A computation whose social graph is the previous
-- one's (evidence changed, relationships did not) reuses that computation's communities rather
-- than running Louvain and writing every membership again: communities_from names it.
ALTER TABLE trust_computation ADD COLUMN social_hash CHAR(64);
ALTER TABLE trust_computation ADD COLUMN communities_from UUID;
