package dev.kith.storage.postgres;

import dev.kith.engine.BugException;
import dev.kith.engine.DeploymentIdentity;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Iterator;

/**
 * The deployment's identity in {@code kith_deployment}: created by the first node that asks, the same for every
 * node after that. Race-free without a lock: each node proposes a fresh random identity with {@code INSERT …
 * ON CONFLICT DO NOTHING} (the primary key admits one row; a second insert waits for the first to commit, then
 * does nothing) and then reads the row back in a new statement, which sees whichever insert won.
 */
final class Deployment {
    private static final String PROPOSE = "INSERT INTO kith_deployment (deployment_id, token_secret) VALUES ($1, $2)"
            + " ON CONFLICT (singleton) DO NOTHING";
    private static final String READ = "SELECT deployment_id, token_secret FROM kith_deployment";

    private Deployment() {}

    /** The database's identity, created now if it has none yet. */
    static DeploymentIdentity identify(PgClient client) {
        DeploymentIdentity existing = read(client);
        if (existing != null) return existing;
        DeploymentIdentity proposal = DeploymentIdentity.random();
        client.query(PROPOSE, Tuple.of(proposal.id(), proposal.tokenSecret()));
        DeploymentIdentity winner = read(client);
        if (winner == null) {
            throw new BugException("kith_deployment is empty right after an insert into it");
        }
        return winner;
    }

    private static DeploymentIdentity read(PgClient client) {
        RowSet<Row> rows = client.query(READ, Tuple.tuple());
        Iterator<Row> it = rows.iterator();
        if (!it.hasNext()) return null;
        Row row = it.next();
        return new DeploymentIdentity(row.getString(0), row.getString(1));
    }
}
