/** kith's durable {@link dev.kith.engine.Datastore} on PostgreSQL: migrations, revisions in commit order, change feed. */
package dev.kith.storage.postgres;
