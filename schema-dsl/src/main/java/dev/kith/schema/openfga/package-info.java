/** OpenFGA's modelling language (schema 1.1): a lexer, parser and compiler that translate a model into a kith schema. */
package dev.kith.schema.openfga;
