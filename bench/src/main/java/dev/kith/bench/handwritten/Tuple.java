package dev.kith.bench.handwritten;

/**
 * One relationship line split into its parts: {@code type:id#relation@subjectType:subjectId[#subjectRelation]},
 * then an optional caveat bracket {@code [name:{json}]} or {@code [name]}. Expiring relationships are not among
 * the shapes the evaluators were written for and are refused.
 */
record Tuple(
        String type,
        String id,
        String relation,
        String subjectType,
        String subjectId,
        String subjectRelation,
        String caveat,
        String caveatJson) {

    static Tuple parse(String line) {
        int colon = line.indexOf(':');
        int hash = line.indexOf('#', colon + 1);
        int at = line.indexOf('@', hash + 1);
        int subjectColon = at < 0 ? -1 : line.indexOf(':', at + 1);
        if (colon < 0 || hash < 0 || at < 0 || subjectColon < 0) {
            throw new IllegalArgumentException("not a relationship: expected type:id#relation@type:id");
        }
        int bracket = line.indexOf('[', subjectColon + 1);
        int end = bracket < 0 ? line.length() : bracket;
        int subjectHash = line.indexOf('#', subjectColon + 1);
        String subjectRelation = "";
        int subjectIdEnd = end;
        if (subjectHash >= 0 && subjectHash < end) {
            subjectRelation = line.substring(subjectHash + 1, end);
            subjectIdEnd = subjectHash;
        }
        String caveat = null;
        String caveatJson = null;
        if (bracket >= 0) {
            if (!line.endsWith("]") || line.indexOf("][", bracket) >= 0) {
                throw new IllegalArgumentException(
                        "only one caveat bracket is supported by the hand-written evaluators");
            }
            String inside = line.substring(bracket + 1, line.length() - 1);
            int nameEnd = inside.indexOf(':');
            caveat = nameEnd < 0 ? inside : inside.substring(0, nameEnd);
            caveatJson = nameEnd < 0 ? null : inside.substring(nameEnd + 1);
            if (caveat.equals("expiration")) {
                throw new IllegalArgumentException(
                        "expiring relationships are not supported by the hand-written evaluators");
            }
        }
        return new Tuple(
                line.substring(0, colon),
                line.substring(colon + 1, hash),
                line.substring(hash + 1, at),
                line.substring(at + 1, subjectColon),
                line.substring(subjectColon + 1, subjectIdEnd),
                subjectRelation,
                caveat,
                caveatJson);
    }

    /** {@code type#relation@subjectType[#subjectRelation]}: the part of the shape the evaluators switch on. */
    String shape() {
        return type + '#' + relation + '@' + subjectType + (subjectRelation.isEmpty() ? "" : "#" + subjectRelation);
    }
}
