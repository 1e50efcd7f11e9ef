/** The versioned in-memory relationship index (interned ids, forward postings, reverse bitmaps) and the store over it. */
package dev.kith.engine.index;
