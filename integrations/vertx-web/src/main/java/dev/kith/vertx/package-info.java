/** Vert.x Web route handlers that ask kith whether the logged-in user may act on the resource a route names. */
package dev.kith.vertx;
