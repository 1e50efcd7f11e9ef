package dev.kith.api.server;

/**
 * SpiceDB's name rules for the API's request edges: the engine's character scanners ({@link
 * dev.kith.engine.RelationshipParser#isTypeName}, {@link dev.kith.engine.RelationshipParser#isRelationName}), the
 * same language as its regular expressions without a matcher per request. Object ids are checked by {@link
 * dev.kith.engine.RelationshipParser#isObjectId}.
 */
final class Names {
    private Names() {}

    static boolean isTypeName(String s) {
        return dev.kith.engine.RelationshipParser.isTypeName(s);
    }

    static boolean isRelationName(String s) {
        return dev.kith.engine.RelationshipParser.isRelationName(s);
    }
}
