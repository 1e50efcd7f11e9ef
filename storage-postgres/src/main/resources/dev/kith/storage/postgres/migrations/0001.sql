-- relationships with revision columns, revisions, schema texts and the revision counter

-- One row: the newest committed revision. A write locks this row (UPDATE ... head + 1) for its whole
-- transaction, so writes commit one at a time in revision order and a revision number is never skipped.
CREATE TABLE kith_revision_counter (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    head bigint NOT NULL
);
INSERT INTO kith_revision_counter (head) VALUES (0);

-- Every committed revision still readable; revision 0 is the empty store.
CREATE TABLE kith_revision (
    revision bigint PRIMARY KEY,
    committed_at timestamptz NOT NULL,
    metadata jsonb
);
INSERT INTO kith_revision (revision, committed_at) VALUES (0, clock_timestamp());

-- A relationship is live from created_revision until deleted_revision (exclusive); a live one has none.
-- Names and ids compare bytewise (COLLATE "C"): the read order is the same on every server, and prefix
-- filters (LIKE 'abc%') can use the index. A subject without a relation has subject_relation ''.
CREATE TABLE kith_relationship (
    resource_type text COLLATE "C" NOT NULL,
    resource_id text COLLATE "C" NOT NULL,
    relation text COLLATE "C" NOT NULL,
    subject_type text COLLATE "C" NOT NULL,
    subject_id text COLLATE "C" NOT NULL,
    subject_relation text COLLATE "C" NOT NULL,
    caveat_name text,
    caveat_context jsonb,
    expires_at timestamptz,
    created_revision bigint NOT NULL,
    deleted_revision bigint,
    CHECK (deleted_revision IS NULL OR deleted_revision > created_revision)
);

-- At most one live copy of each relationship; also serves reads and filters at the head revision.
CREATE UNIQUE INDEX kith_relationship_live
    ON kith_relationship (resource_type, resource_id, relation, subject_type, subject_id, subject_relation)
    WHERE deleted_revision IS NULL;
-- The change feed: what a revision created ...
CREATE INDEX kith_relationship_created ON kith_relationship (created_revision);
-- ... and deleted; also how garbage collection finds old history and reads at older revisions find it.
CREATE INDEX kith_relationship_deleted ON kith_relationship (deleted_revision)
    WHERE deleted_revision IS NOT NULL;
-- Garbage collection of live relationships that have expired.
CREATE INDEX kith_relationship_expiring ON kith_relationship (expires_at)
    WHERE expires_at IS NOT NULL AND deleted_revision IS NULL;

-- The schema text written at each schema-write revision; the schema at revision R is the newest row <= R.
CREATE TABLE kith_schema (
    revision bigint PRIMARY KEY,
    schema_text text NOT NULL
);
