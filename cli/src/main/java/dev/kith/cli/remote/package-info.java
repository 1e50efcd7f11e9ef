/**
 * How the {@code kith} command reaches a running server: one {@link dev.kith.cli.remote.Transport} with a gRPC and an
 * HTTP implementation, chosen by the endpoint, and the named contexts saved in the user's configuration.
 */
package dev.kith.cli.remote;
