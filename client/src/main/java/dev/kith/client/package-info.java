/** A small blocking client of kith's v1 HTTP API (JSON in, JSON out); no server or engine classes. */
package dev.kith.client;
