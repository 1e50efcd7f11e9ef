/** The engine at run time: ties store, index and schema history together and binds each request to a revision. */
package dev.kith.engine.runtime;
