package dev.kith.cli;

/** Which store a {@code --datastore} value names. */
final class Datastores {
    private Datastores() {}

    static boolean isPostgres(String url) {
        return url.startsWith("postgres://") || url.startsWith("postgresql://");
    }
}
