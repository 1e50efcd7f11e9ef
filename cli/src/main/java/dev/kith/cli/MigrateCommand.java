package dev.kith.cli;

import dev.kith.engine.KithException;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.PostgresOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kith migrate --datastore postgres://…}: brings a PostgreSQL database's schema up to this kith's
 * version (what {@code kith serve} also does at start unless the URL says {@code auto_migrate=false}). Safe
 * while nodes run or start; refuses a database migrated by a newer kith. Exits 1 if the database cannot be
 * used.
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Apply pending schema migrations to the PostgreSQL datastore.")
final class MigrateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--datastore",
            required = true,
            defaultValue = "${env:KITH_DATASTORE}",
            description = "A postgres://user@host:port/db URL (KITH_DATASTORE); the --datastore-* flags override its"
                    + " parameters.")
    private String datastore;

    @Mixin
    private DatastoreSettings datastoreSettings = new DatastoreSettings();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PostgresOptions options = datastoreSettings.apply(datastore);
            PostgresDatastore.MigrationResult result = PostgresDatastore.migrate(options);
            if (result.fromVersion() == result.toVersion()) {
                out.println(options.database() + ": schema version " + result.toVersion() + ", already up to date");
            } else {
                out.println(options.database() + ": migrated from schema version " + result.fromVersion() + " to "
                        + result.toVersion());
            }
            return 0;
        } catch (KithException e) {
            err.println("kith migrate: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
