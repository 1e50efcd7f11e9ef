package dev.kith.bench.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deep dataset as maps keyed by group and resource ids: which groups' members each group contains
 * ({@code group:a#member@group:b#member}), which users it contains directly, and which group each resource names
 * as viewer. Insertion-ordered, so writing it is deterministic.
 */
final class DeepWorld {
    final Map<String, List<String>> memberSets = new LinkedHashMap<>();
    final Map<String, List<String>> memberUsers = new LinkedHashMap<>();
    final Map<String, String> resourceViewer = new LinkedHashMap<>();

    void addGroup(String group) {
        memberSets.computeIfAbsent(group, g -> new ArrayList<>());
        memberUsers.computeIfAbsent(group, g -> new ArrayList<>());
    }

    /** Stores {@code group:parent#member@group:child#member}. */
    void nest(String parent, String child) {
        addGroup(parent);
        addGroup(child);
        memberSets.get(parent).add(child);
    }

    /** Stores {@code group:group#member@user:user}. */
    void addUser(String group, String user) {
        addGroup(group);
        memberUsers.get(group).add(user);
    }

    /** Stores {@code resource:resource#viewer@group:group#member}. */
    void setViewer(String resource, String group) {
        addGroup(group);
        resourceViewer.put(resource, group);
    }
}
