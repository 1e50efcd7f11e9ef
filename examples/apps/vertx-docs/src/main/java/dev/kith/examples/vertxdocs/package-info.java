/** An example document-sharing REST service on Vert.x Web, its access decided by kith. */
package dev.kith.examples.vertxdocs;
