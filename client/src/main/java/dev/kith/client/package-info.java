/**
 * The Java client of kith: {@link dev.kith.client.Kith}, SpiceDB's {@code authzed.api.v1} calls over gRPC (or over
 * an embedded engine), with deadlines, retries, consistency tokens and resumable streams; and {@link
 * dev.kith.client.KithClient}, the small HTTP/JSON client of the {@code kith} command. No server or engine classes.
 */
package dev.kith.client;
