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

    static let trayCommands = """
        { 'command': 'open-it', 'data': { '*device': 'str', '*id': 'str', '*force': 'bool' } }
        """

    static func prepared(_ arguments: JSONObject) throws -> JSONValue? {
        let schema = try SchemaLoader.loadSource(files: ["x": trayCommands], main: "x").schema
        var table = Fixtures.caseDirectory.resources
        table.exactlyOne = ["open-it": ["id", "device"]]
        let testCase = TestCase(
            command: "open-it", kind: .valid, summary: "a case", arguments: .object(arguments), expectation: .accept,
            origin: "test")
        return ResourceModel(schema: schema, table: table).preparing(
            testCase, schema: schema, values: Fixtures.caseDirectory.values
        ).arguments
    }

    @Test func aValidCaseWithBothMembersOfAnExactlyOneGroupKeepsTheFirstListed() throws {
        #expect(try Self.prepared(["device": "d", "id": "i", "force": true]) == ["id": "i", "force": true])
    }

    @Test func aValidCaseWithNeitherMemberOfAnExactlyOneGroupGetsTheFirstFromTheValueTable() throws {
        #expect(try Self.prepared(["force": true]) == ["force": true, "id": "qmp-conform-id"])
    }

    @Test func aValidCaseWithOneMemberOfAnExactlyOneGroupIsLeftAsItIs() throws {
        #expect(try Self.prepared(["device": "d"]) == ["device": "d"])
    }

    @Test func anExactlyOneGroupNeedsTwoDifferentMembers() throws {
        let text = #"{ "kinds": {}, "exactly-one": { "eject": ["id", "id"] } }"#
        #expect(throws: DiagnosticError.self) { try ResourceTable.load(Array(text.utf8), file: "resources.json") }
    }

    @Test func aValidCaseOfACommandTheTableUndoesGetsTheUndoingCommandWithItsOwnValueOfTheMember() throws {
        let schema = try SchemaLoader.loadSource(files: ["x": Self.trayCommands], main: "x").schema
        var table = Fixtures.caseDirectory.resources
        table.undo = ["open-it": .init(command: "close-it", member: "id")]
        let testCase = TestCase(
            command: "open-it", kind: .valid, summary: "a case", arguments: ["id": "i", "force": true],
            expectation: .accept, origin: "test")
        let prepared = ResourceModel(schema: schema, table: table).preparing(
            testCase, schema: schema, values: Fixtures.caseDirectory.values)
        #expect(prepared.cleanup == .execute(command: "close-it", arguments: ["id": "i"]))
        #expect(prepared.arguments == testCase.arguments)
    }

    @Test func anUndoEntryNeedsACommand() throws {
        let text = #"{ "kinds": {}, "undo": { "nbd-server-start": { "member": "id" } } }"#
        #expect(throws: DiagnosticError.self) { try ResourceTable.load(Array(text.utf8), file: "resources.json") }
    }

    @Test func aValidCaseOfACommandTheTableClearsForGetsTheClearingCommandBeforeIt() throws {
        let schema = try SchemaLoader.loadSource(files: ["x": Self.trayCommands], main: "x").schema
        var table = Fixtures.caseDirectory.resources
        table.clear = ["open-it": .init(command: "close-all", member: nil)]
        let testCase = TestCase(
            command: "open-it", kind: .valid, summary: "a case", arguments: ["id": "i"], expectation: .accept,
            origin: "test")
        let prepared = ResourceModel(schema: schema, table: table).preparing(
            testCase, schema: schema, values: Fixtures.caseDirectory.values)
        #expect(prepared.clearing == .execute(command: "close-all", arguments: [:]))
        #expect(prepared.cleanup == nil)
    }

    @Test func aClearEntryTakesACommandAndMaybeAMemberOnly() throws {
        let text =
            #"{ "kinds": {}, "clear": { "closefd": { "command": "getfd", "member": "fdname", "id": "x" } } }"#
        #expect(throws: DiagnosticError.self) { try ResourceTable.load(Array(text.utf8), file: "resources.json") }
    }

    @Test func aClearEntrysArgumentsGoWithTheClearingCommand() throws {
        let text = #"""
            { "kinds": {}, "clear": { "open-it": { "command": "start", "arguments": { "path": "${scratch}/s" } } } }
            """#
        let table = try ResourceTable.load(Array(text.utf8), file: "resources.json")
        let schema = try SchemaLoader.loadSource(files: ["x": Self.trayCommands], main: "x").schema
        let testCase = TestCase(
            command: "open-it", kind: .valid, summary: "a case", arguments: ["id": "i"], expectation: .accept,
            origin: "test")
        let prepared = ResourceModel(schema: schema, table: table).preparing(
            testCase, schema: schema, values: Fixtures.caseDirectory.values)
        #expect(prepared.clearing == .execute(command: "start", arguments: ["path": "${scratch}/s"]))
    }

    @Test func aValidCaseOfACommandTheTableLaunchesGetsItsWordsAndOthersNone() throws {
        let text = #"{ "kinds": {}, "launch": { "open-it": ["-preconfig"] } }"#
        let table = try ResourceTable.load(Array(text.utf8), file: "resources.json")
        let schema = try SchemaLoader.loadSource(files: ["x": Self.trayCommands], main: "x").schema
        let model = ResourceModel(schema: schema, table: table)
        let valid = TestCase(
            command: "open-it", kind: .valid, summary: "a case", arguments: nil, expectation: .accept, origin: "test")
        #expect(model.preparing(valid, schema: schema, values: Fixtures.caseDirectory.values).launch == ["-preconfig"])
        var invalid = valid
        invalid.kind = .invalid
        #expect(model.preparing(invalid, schema: schema, values: Fixtures.caseDirectory.values).launch.isEmpty)
        #expect(
            model.preparing(valid, schema: schema, values: Fixtures.caseDirectory.values).json["launch"]
                == ["-preconfig"], "cases show prints it")
    }

    @Test(arguments: [#"{ "kinds": {}, "launch": { "x": [] } }"#, #"{ "kinds": {}, "launch": { "x": [1] } }"#])
    func aLaunchEntryIsANonEmptyListOfWords(text: String) throws {
        #expect(throws: DiagnosticError.self) { try ResourceTable.load(Array(text.utf8), file: "resources.json") }
    }

    @Test func theReviewedTableLaunchesNUMACasesBeforeTheMachineExists() {
        #expect(Fixtures.caseDirectory.resources.launch["set-numa-node"]?.contains("-preconfig") == true)
    }

    static let descriptorCommands = """
        { 'command': 'getfd', 'data': { 'fdname': 'str' } }
        { 'command': 'closefd', 'data': { 'fdname': 'str' } }
        """

    static func preparedDescriptorCase(_ command: String, kind: TestCase.Kind) throws -> TestCase {
        let schema = try SchemaLoader.loadSource(files: ["x": descriptorCommands], main: "x").schema
        var table = Fixtures.caseDirectory.resources
        table.clear = ["closefd": .init(command: "getfd", member: "fdname")]
        table.passesDescriptor = ["getfd"]
        let testCase = TestCase(
            command: command, kind: kind, summary: "a case", arguments: ["fdname": "f"],
            expectation: kind == .valid ? .accept : .reject(rule: .wrongType, path: JSONPath.root.appending("fdname")),
            origin: "test")
        return ResourceModel(schema: schema, table: table).preparing(
            testCase, schema: schema, values: Fixtures.caseDirectory.values)
    }

    @Test func aClearWithAMemberMakesWhatTheValidCaseNamesPassingADescriptorWhenItsCommandTakesOne() throws {
        let prepared = try Self.preparedDescriptorCase("closefd", kind: .valid)
        #expect(prepared.clearing == .executePassingDescriptor(command: "getfd", arguments: ["fdname": "f"]))
        #expect(!prepared.passesDescriptor)
    }

    @Test(arguments: [TestCase.Kind.valid, .invalid])
    func everyCaseOfACommandThatTakesADescriptorPassesOneAndSaysSo(kind: TestCase.Kind) throws {
        let prepared = try Self.preparedDescriptorCase("getfd", kind: kind)
        #expect(prepared.passesDescriptor)
        #expect(prepared.json["passes-fd"] == true)
        #expect(prepared.clearing == nil)
    }

    @Test func aPassesFdEntryIsAListOfCommandNames() throws {
        let text = #"{ "kinds": {}, "passes-fd": "getfd" }"#
        #expect(throws: DiagnosticError.self) { try ResourceTable.load(Array(text.utf8), file: "resources.json") }
    }

    @Test func theReviewedTablePassesDescriptorsWithGetfdAndAddFdAndMakesWhatClosefdAndRemoveFdName() {
        let table = Fixtures.caseDirectory.resources
        #expect(table.passesDescriptor == ["getfd", "add-fd"])
        #expect(table.clear["closefd"] == .init(command: "getfd", member: "fdname"))
        #expect(table.clear["remove-fd"] == .init(command: "add-fd", member: "fdset-id"))
    }

    @Test func theReviewedTableStopsARunningNBDServerBeforeAStartAndDeletesAnExportAfterItsCase() {
        let table = Fixtures.caseDirectory.resources
        #expect(table.clear["nbd-server-start"] == .init(command: "nbd-server-stop", member: nil))
        #expect(table.undo["block-export-add"] == .init(command: "block-export-del", member: "id"))
    }

    @Test func theReviewedTableNamesTheTrayCommandsByTheirRemovableDevice() {
        #expect(Fixtures.caseDirectory.resources.exactlyOne["eject"] == ["id", "device"])
        #expect(Fixtures.caseDirectory.resources.exactlyOne["block_set_io_throttle"] == ["device", "id"])
    }

    @Test func aQueryListsNestedNamesUnderTheirOwner() throws {
        let query = try #require(Fixtures.caseDirectory.resources.entry(.dirtyBitmap).query)
        let reply: JSONValue = [
            ["node-name": "a", "detect_zeroes": "off", "dirty-bitmaps": [["name": "b1"], ["name": "b2"]]],
            ["node-name": "c", "detect_zeroes": "off", "dirty-bitmaps": [["name": "b1"]]],
        ]
        #expect(query.names(in: reply) == ["a/b1", "a/b2", "c/b1"])
    }

    @Test func aReachRecipeLinksTheMemberInferenceMissesToItsKind() throws {
        let schema = try Fixtures.introspection()
        let model = ResourceModel(schema: schema, table: Fixtures.caseDirectory.resources)
        let pause = Resource.Link(command: "block-job-pause", member: "device", evidence: .table)
        #expect(model.resource(.job).consumers.contains(pause), "the block-job verbs name the job in 'device'")
        #expect(!model.resource(.blockNode).consumers.contains { $0.command == "block-job-pause" })
        #expect(model.resource(.blockExport).consumers.contains { $0.command == "nbd-server-remove" })
    }

    @Test func aReachEntryIsReadWithItsStepsLocatedInTheTable() throws {
        let text = """
            { "kinds": {}, "reach": { "job-resume": { "kind": "job", "member": "id", "state": "a paused job",
              "before": [ { "execute": "job-pause", "arguments": { "id": "${name}" } } ],
              "events": [ { "name": "JOB_STATUS_CHANGE", "data": { "id": "${name}" }, "within_ms": 5000 } ] } } }
            """
        let reach = try #require(try ResourceTable.load(Array(text.utf8), file: "resources.json").reach["job-resume"])
        #expect(reach.kind == .job && reach.member == "id" && reach.state == "a paused job")
        #expect(reach.before.map(\.command) == ["job-pause"])
        #expect(reach.before.first?.location.line == 2)
        #expect(reach.events.map(\.windowMilliseconds) == [5000])
    }

    @Test(arguments: [
        #"{ "kind": "jobs", "member": "id", "state": "s" }"#,
        #"{ "kind": "job", "state": "s" }"#,
        #"{ "kind": "job", "member": "id", "state": "s", "befor": [] }"#,
        #"{ "kind": "job", "member": "id", "state": "s", "after": [ { "execute": "q", "arguments": { "id": "${nme}" } } ] }"#,
    ])
    func aFaultyReachEntryIsRejected(entry: String) throws {
        let text = #"{ "kinds": {}, "reach": { "job-resume": "# + entry + " } }"
        #expect(throws: DiagnosticError.self) { try ResourceTable.load(Array(text.utf8), file: "resources.json") }
    }
}
