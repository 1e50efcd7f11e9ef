/** The HTTP load generator that replays a queries file against a running kith server's check endpoint. */
package dev.kith.bench.http;
