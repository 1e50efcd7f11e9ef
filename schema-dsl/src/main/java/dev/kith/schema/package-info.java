/** kith's schema language: the model of a compiled schema, and the lexer, parser, compiler, validator and printer that produce and print it. */
package dev.kith.schema;
