import TestSupport
import Testing

@testable import ConformanceKit

/// The resource model: producers, destroyers, queries and consumers inferred from a schema and
/// completed from `cases/resources.json`.
struct ResourceModelTests {
    @Test(.needsShared) func inferenceOverTheQemu72TreeMatchesItsGoldenFile() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json", defines: Fixtures.debianX86Defines)
        let model = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources)
        assertGolden(model.text, named: "Generation/resources-qemu-7.2.txt")
    }

    @Test func producerAndDestroyerAreFoundByCommandNameAndTheirNamingMember() throws {
        let schema = try SchemaLoader.loadSource(
            files: [
                "x": """
                { 'command': 'chardev-add', 'data': { 'id': 'str', 'backend': 'str' } }
                { 'command': 'chardev-remove', 'data': { 'id': 'str' } }
                { 'command': 'use-it', 'data': { 'chardev': 'str', 'count': 'int' } }
                """
            ], main: "x"
        ).schema
        let chardev = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources).resource(.chardev)
        #expect(
            chardev.producers == [.init(command: "chardev-add", member: "id", evidence: .commandName("chardev + add"))])
        #expect(chardev.destroyer?.command == "chardev-remove")
        #expect(chardev.consumers == [.init(command: "use-it", member: "chardev", evidence: .memberName("chardev"))])
        #expect(chardev.query?.command == "query-chardev", "the table names the query")
    }

    @Test func docTextFindsAConsumerWhoseNameSaysNothing() throws {
        let schema = try SchemaLoader.loadSource(
            files: [
                "x": """
                ##
                # @poke:
                #
                # @target: the node name of the node to poke
                ##
                { 'command': 'poke', 'data': { 'target': 'str' } }
                """
            ], main: "x"
        ).schema
        let node = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources).resource(.blockNode)
        #expect(node.consumers == [.init(command: "poke", member: "target", evidence: .docText("node name"))])
    }

    @Test func everyJobIdMemberStartsAJob() throws {
        let schema = try Fixtures.introspection()
        let job = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources).resource(.job)
        #expect(job.producers.contains { $0.command == "blockdev-create" && $0.member == "job-id" })
        #expect(job.destroyer?.command == "job-dismiss")
        #expect(job.consumers.contains { $0.command == "job-cancel" && $0.member == "id" })
    }

    @Test func aQueryListsNestedNamesUnderTheirOwner() throws {
        let query = try #require(Fixtures.caseDirectory.resources.entry(.dirtyBitmap).query)
        let reply: JSONValue = [
            ["node-name": "a", "detect_zeroes": "off", "dirty-bitmaps": [["name": "b1"], ["name": "b2"]]],
            ["node-name": "c", "detect_zeroes": "off", "dirty-bitmaps": [["name": "b1"]]],
        ]
        #expect(query.names(in: reply) == ["a/b1", "a/b2", "c/b1"])
    }
}
