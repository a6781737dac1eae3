import TestSupport
import Testing

@testable import ConformanceKit

struct CaseGeneratorTests {
    static func generate(_ qapi: String, seed: UInt64 = 0, budget: Int = 96) throws -> CaseGenerator.Output {
        let schema = try SchemaLoader.loadSource(files: ["x": qapi], main: "x").schema
        let tables = Fixtures.caseDirectory
        return CaseGenerator(
            schema: schema, values: tables.values, policy: tables.policy,
            options: .init(seed: seed, validBudget: budget, invalidBudget: budget)
        ).generate()
    }

    @Test(.needsShared) func generationIsDeterministicAndIdsAreStable() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json")
        let first = Fixtures.generate(schema).cases
        let second = Fixtures.generate(schema).cases
        #expect(first == second)
        #expect(Set(first.map(\.id)).count == first.count, "ids are unique")
        #expect(
            first.first { $0.command == "set_link" && $0.summary == "required members only" }?.id
                == "set_link/valid/992af060")
    }

    @Test func aSeedChangesTheOpenChoicesDeterministically() throws {
        let qapi = "{ 'enum': 'E', 'data': ['a', 'b', 'c', 'd', 'e', 'f'] }\n{ 'command': 'c', 'data': { 'e': 'E' } }"
        let seeded = try Self.generate(qapi, seed: 7).cases
        #expect(seeded == (try Self.generate(qapi, seed: 7).cases))
        let defaults = try Self.generate(qapi).cases
        #expect(defaults.first?.arguments == ["e": "a"])
        let values = try (1...20).map { try Self.generate(qapi, seed: $0).cases.first?.arguments?["e"] }
        #expect(Set(values).count > 1, "different seeds pick different defaults")
    }

    @Test func integerBoundariesAndOnePastThemAreGenerated() throws {
        let cases = try Self.generate("{ 'command': 'c', 'data': { 'a': 'int8', 'b': 'uint64', 'c': 'size' } }").cases
        let arguments = cases.compactMap(\.arguments)
        #expect(arguments.contains { $0["a"] == -128 })
        #expect(arguments.contains { $0["a"] == 127 })
        #expect(arguments.contains { $0["b"] == .uint(18_446_744_073_709_551_615) })
        #expect(
            cases.contains {
                $0.arguments?["a"] == 128
                    && $0.expectation == .reject(rule: .outOfRange, path: JSONPath.root.appending("a"))
            })
        #expect(
            cases.contains {
                $0.arguments?["a"] == -129
                    && $0.expectation == .reject(rule: .outOfRange, path: JSONPath.root.appending("a"))
            })
        #expect(
            cases.contains {
                $0.arguments?["b"] == -1
                    && $0.expectation == .reject(rule: .outOfRange, path: JSONPath.root.appending("b"))
            })
    }

    @Test func smallOptionalSetsGetTheirPowerSetAndLargeOnesEachAlone() throws {
        let small = try Self.generate("{ 'command': 'c', 'data': { '*a': 'bool', '*b': 'bool', '*c': 'bool' } }").cases
        let summaries = small.filter { $0.kind == .valid }.map(\.summary)
        #expect(summaries.contains("optional 'a', 'b'"))
        #expect(summaries.contains("optional 'c' alone"))
        #expect(summaries.contains("all members"))
        let large = try Self.generate(
            "{ 'command': 'c', 'data': { '*a': 'bool', '*b': 'bool', '*c': 'bool', '*d': 'bool' } }"
        ).cases
        let combos = large.filter { $0.summary.hasPrefix("optional") }
        #expect(combos.count == 4)
    }

    @Test func listsAreGeneratedEmptyWithOneAndWithSeveralElements() throws {
        let cases = try Self.generate("{ 'command': 'c', 'data': { 'l': ['int'] } }").cases
        let lists = cases.filter { $0.kind == .valid }.compactMap { $0.arguments?["l"]?.arrayValue?.count }
        #expect(Set(lists) == [0, 1, 3])
        #expect(
            cases.contains {
                $0.expectation == .reject(rule: .wrongType, path: JSONPath(components: [.key("l"), .index(0)]))
            })
    }

    @Test func theBudgetCutsAndSaysSo() throws {
        let output = try Self.generate("{ 'command': 'c', 'data': { 'a': 'int', 'b': 'str', 'c': 'bool' } }", budget: 5)
        #expect(output.cases.filter { $0.kind == .invalid }.count == 5)
        #expect(
            output.notes.contains {
                $0.message.contains("c: ") && $0.message.contains("invalid cases cut by the budget of 5")
            })
    }

    @Test(.needsShared) func commandsWithEffectsAreTaggedDestructiveOnlyForCasesThatCanTakeEffect() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json")
        let cases = Fixtures.generate(schema).cases
        let quit = cases.filter { $0.command == "quit" }
        #expect(quit.first { $0.kind == .valid }?.tags.contains("destructive") == true)
        #expect(quit.first { $0.kind == .invalid }?.tags.contains("destructive") == false)
        #expect(quit.first { $0.kind == .invalid }?.tags.contains("effect:stops-endpoint") == true)
        let tap = cases.first { $0.command == "netdev_add" && $0.arguments?["type"] == "tap" && $0.kind == .valid }
        #expect(tap?.tags.contains("effect:spawns-processes") == true)
        let hmp = try #require(
            cases.first { $0.command == "human-monitor-command" && $0.summary == "'cpu-index' is a string" })
        #expect(hmp.arguments?["command-line"] == "info version", "other members keep safe values")
    }

    @Test(.needsShared) func documentedErrorsBecomeCasesWithAMissingTarget() throws {
        let cases = Fixtures.generate(try Fixtures.source("net-7.2/net.json")).cases
        let error = try #require(
            cases.first { $0.command == "netdev_del" && $0.expectation == .errorClass(.deviceNotFound) })
        #expect(error.arguments == ["id": "qmp-conform-absent-id"])
        #expect(
            !cases.contains { $0.command == "netdev_add" && $0.expectation == .errorClass(.deviceNotFound) },
            "the trigger of netdev_add's error is an enum value, which cannot be sent validly")
    }

    @Test(.needsShared) func docExamplesKeepTheirRequestButNotTheirHostPaths() throws {
        let schema = try Fixtures.source("qemu-7.2/qapi-schema.json")
        let cases = Fixtures.generate(schema).cases.filter { $0.kind == .doc && $0.command == "blockdev-snapshot-sync" }
        let example = try #require(cases.first { $0.tags.contains("doc-example") })
        #expect(example.arguments?["snapshot-file"] == "${scratch}/snapshot-file")
        #expect(example.arguments?["device"] == "ide-hd0")
    }

    /// The budgets bound the work, not only the output: only the kept cases are built, so a
    /// struct of 10,000 members (70,000 candidate cases of 10,000 members each) takes seconds.
    @Test func aTenThousandMemberStructIsGeneratedWithinTheBudgetsInSeconds() async throws {
        let kinds = ["int", "str", "bool", "uint8", "number"]
        let members: [JSONValue] = (0..<10_000).map { index in
            index % 2 == 0
                ? ["name": .string("m\(index)"), "type": .string(kinds[index % 5])]
                : ["name": .string("m\(index)"), "type": .string(kinds[index % 5]), "default": nil]
        }
        let builtins: [JSONValue] = [
            ("int", "int"), ("str", "string"), ("bool", "boolean"), ("uint8", "int"),
            ("number", "number"),
        ].map { ["name": .string($0.0), "meta-type": "builtin", "json-type": .string($0.1)] }
        let schema = try IntrospectionLoader.load(
            .array(
                builtins + [
                    ["name": "big-arg", "meta-type": "object", "members": .array(members)],
                    ["name": "big", "meta-type": "command", "arg-type": "big-arg"],
                ]))
        // The budgets bound the work before it is done: the cases kept are counted, the rest cut
        // without being built (the time it takes is a benchmark's business, not this test's).
        let output = await onDispatchThread { Fixtures.generate(schema) }
        #expect(output.cases.filter { $0.kind == .valid }.count == 96)
        #expect(output.cases.filter { $0.kind == .invalid }.count == 160)
        #expect(output.notes.map(\.message).contains("big: 14906 of 15002 valid cases cut by the budget of 96"))
    }
}
