/** A small blocking client of kith's v1 HTTP API, used by the client commands of the {@code kith} command line. */
package dev.kith.api.client;
