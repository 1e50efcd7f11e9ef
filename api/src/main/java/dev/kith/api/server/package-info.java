/** kith's HTTP service: the v1 JSON API on Vert.x Web, with tokens, authentication, limits and metrics. */
package dev.kith.api.server;
