-- the deployment's identity: one row naming the deployment and holding the secret that signs its tokens

-- Written once by the first node that finds it empty (INSERT ... ON CONFLICT DO NOTHING, then read back, so
-- nodes starting at once agree on the winner's row); never changed afterwards. Every node over this database
-- signs consistency tokens with this secret, so they accept each other's tokens, also after restarts.
CREATE TABLE kith_deployment (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    deployment_id text NOT NULL,
    token_secret text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
