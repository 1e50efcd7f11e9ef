package dev.kith.bench.gen;

import static dev.kith.bench.gen.DriveTruth.Permission.EDIT;
import static dev.kith.bench.gen.DriveTruth.Permission.VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A hand-built drive whose answers were worked out on paper. */
class DriveTruthTest {

    /**
     * Users 0..6, groups 0..1 (group 1 in group 0), folders 0 ⊃ 1 ⊃ 2, documents 0..3.
     *
     * <pre>
     * group:0#member@user:0   group:1#member@user:1   group:0#member@group:1#member
     * folder:0 owner user:2, viewer group:0#member
     * folder:1 (parent 0) editor user:3
     * folder:2 (parent 1) owner user:4
     * document:0 in folder 2: owner user:5, banned user:1
     * document:1 in folder 0: viewer user:*, banned group:1#member
     * document:2 in folder 1: editor group:1#member
     * document:3 in folder 2: viewer user:6, banned user:6
     * </pre>
     */
    private static DriveTruth truth() {
        DriveWorld world = new DriveWorld(7, 2, 3, 4);
        world.addGroupUser(0, 0);
        world.addGroupUser(1, 1);
        world.nestGroup(0, 1);
        world.setFolderParent(1, 0);
        world.setFolderParent(2, 1);
        world.grantFolder(0, DriveWorld.OWNER, DriveWorld.USER, 2);
        world.grantFolder(0, DriveWorld.VIEWER, DriveWorld.GROUP, 0);
        world.grantFolder(1, DriveWorld.EDITOR, DriveWorld.USER, 3);
        world.grantFolder(2, DriveWorld.OWNER, DriveWorld.USER, 4);
        world.setDocumentFolder(0, 2);
        world.grantDocument(0, DriveWorld.OWNER, DriveWorld.USER, 5);
        world.grantDocument(0, DriveWorld.BANNED, DriveWorld.USER, 1);
        world.setDocumentFolder(1, 0);
        world.grantDocument(1, DriveWorld.VIEWER, DriveWorld.WILDCARD, 0);
        world.grantDocument(1, DriveWorld.BANNED, DriveWorld.GROUP, 1);
        world.setDocumentFolder(2, 1);
        world.grantDocument(2, DriveWorld.EDITOR, DriveWorld.GROUP, 1);
        world.setDocumentFolder(3, 2);
        world.grantDocument(3, DriveWorld.VIEWER, DriveWorld.USER, 6);
        world.grantDocument(3, DriveWorld.BANNED, DriveWorld.USER, 6);
        return new DriveTruth(world);
    }

    @Test
    void folderGrantsFlowDownTheTree() {
        DriveTruth truth = truth();
        // the owner of folder 0 edits every folder below and the documents in them
        assertThat(truth.checkFolder(2, EDIT, 2)).isTrue();
        assertThat(truth.checkDocument(0, EDIT, 2)).isTrue();
        // the editor of folder 1 edits folder 2 but not folder 0
        assertThat(truth.checkFolder(2, EDIT, 3)).isTrue();
        assertThat(truth.checkFolder(0, VIEW, 3)).isFalse();
        // viewers of folder 0 (group 0, so user 0 and, nested, user 1) view below but do not edit
        assertThat(truth.checkFolder(2, VIEW, 0)).isTrue();
        assertThat(truth.checkFolder(2, EDIT, 0)).isFalse();
        assertThat(truth.checkDocument(2, VIEW, 0)).isTrue();
        // the owner of folder 2 has nothing on folder 1
        assertThat(truth.checkFolder(1, VIEW, 4)).isFalse();
    }

    @Test
    void theBanListExcludesDirectAndGroupMembers() {
        DriveTruth truth = truth();
        // user 1 views folder 2 (group 1 in group 0) but is banned on document 0
        assertThat(truth.checkFolder(2, VIEW, 1)).isTrue();
        assertThat(truth.checkDocument(0, VIEW, 1)).isFalse();
        assertThat(truth.checkDocument(0, VIEW, 0)).isTrue();
        // document 1 is public, except for group 1's members
        assertThat(truth.checkDocument(1, VIEW, 5)).isTrue();
        assertThat(truth.checkDocument(1, EDIT, 5)).isFalse();
        assertThat(truth.checkDocument(1, VIEW, 1)).isFalse();
        // a viewer who is also banned does not view
        assertThat(truth.checkDocument(3, VIEW, 6)).isFalse();
        // group 1 edits document 2
        assertThat(truth.checkDocument(2, EDIT, 1)).isTrue();
        assertThat(truth.checkDocument(2, EDIT, 0)).isFalse();
    }

    @Test
    void lookupsCountWhatTheChecksAllow() {
        DriveTruth truth = truth();
        assertThat(truth.documentLookupCount(VIEW, 0)).isEqualTo(4); // documents 0, 1, 2, 3 (folder 0 viewer)
        assertThat(truth.documentLookupCount(VIEW, 1)).isEqualTo(2); // 2, 3; banned on 0 and 1
        assertThat(truth.documentLookupCount(VIEW, 6)).isEqualTo(1); // only the public document 1
        assertThat(truth.documentLookupCount(EDIT, 3)).isEqualTo(3); // documents 0, 2, 3 (folder 1 editor)
        assertThat(truth.folderLookupCount(VIEW, 4)).isEqualTo(1);
        assertThat(truth.folderLookupCount(VIEW, 1)).isEqualTo(3);
        assertThat(truth.folderLookupCount(EDIT, 1)).isZero();
    }

    @Test
    void aFolderParentMustComeFirst() {
        DriveWorld world = new DriveWorld(1, 1, 3, 1);
        assertThatThrownBy(() -> world.setFolderParent(1, 2)).hasMessageContaining("must come before it");
    }
}
