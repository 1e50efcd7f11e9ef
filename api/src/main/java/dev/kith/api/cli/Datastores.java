package dev.kith.api.cli;

import dev.kith.engine.Datastore;
import dev.kith.engine.KithException;
import java.lang.reflect.InvocationTargetException;

/**
 * Opens the datastore a {@code --datastore} URL names. {@code postgres://} and {@code postgresql://} URLs open
 * {@code dev.kith.storage.postgres.PostgresDatastore}, looked up at run time so that the command line builds
 * whether or not that module's store is in this build.
 */
final class Datastores {
    private Datastores() {}

    static boolean isPostgres(String url) {
        return url.startsWith("postgres://") || url.startsWith("postgresql://");
    }

    static Datastore openPostgres(String url) {
        try {
            Class<?> options = Class.forName("dev.kith.storage.postgres.PostgresOptions");
            Class<?> store = Class.forName("dev.kith.storage.postgres.PostgresDatastore");
            Object parsed = options.getMethod("parse", String.class).invoke(null, url);
            return (Datastore) store.getMethod("open", options).invoke(null, parsed);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
            throw new KithException.InvalidArgument(
                    "--datastore", "the PostgreSQL datastore is not part of this build of kith");
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new KithException.StoreUnavailable("cannot open " + redact(url) + ": " + e.getCause());
        }
    }

    /** The URL without its password, for messages. */
    static String redact(String url) {
        return url.replaceFirst("://([^:/@]+):[^@]*@", "://$1:***@");
    }
}
