-- The privacy spent by each federation whose strategy declares a budget (dp-fedavg's
-- target-epsilon): the total Renyi DP of its rounds at each of the accountant's default orders,
-- as comma-separated numbers, and the epsilon that gives for the declared delta. Written in the
-- transaction that opens a round, before the round's result can be released.
CREATE TABLE federation_privacy (
  federation_id UUID                     NOT NULL,
  rounds        INTEGER                  NOT NULL,
  rdp           TEXT                     NOT NULL,
  epsilon_spent DOUBLE PRECISION         NOT NULL,
  -- When the next round would have passed the budget and the federation was stopped.
  exhausted_at  TIMESTAMP WITH TIME ZONE,
  updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT federation_privacy_pkey PRIMARY KEY (federation_id),
  CONSTRAINT federation_privacy_federation_fkey FOREIGN KEY (federation_id)
    REFERENCES federation_federation (id) ON DELETE CASCADE
);
