package dev.kith.api.cli;

import dev.kith.engine.Datastore;
import dev.kith.storage.postgres.PostgresDatastore;
import dev.kith.storage.postgres.PostgresOptions;

/** Opens the datastore a {@code --datastore} URL names. */
final class Datastores {
    private Datastores() {}

    static boolean isPostgres(String url) {
        return url.startsWith("postgres://") || url.startsWith("postgresql://");
    }

    /** Connects, migrates (unless {@code auto_migrate=false}) and follows the change feed; see {@link PostgresOptions#parse}. */
    static Datastore openPostgres(String url) {
        return PostgresDatastore.open(PostgresOptions.parse(url));
    }

    /** The URL without its password, for messages. */
    static String redact(String url) {
        return url.replaceFirst("://([^:/@]+):[^@]*@", "://$1:***@");
    }
}
