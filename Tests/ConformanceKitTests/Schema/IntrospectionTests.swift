import Foundation
import TestSupport
import Testing

@testable import ConformanceKit

/// The introspection form of a schema: loading QEMU 7.2's reply, rendering source as introspection,
/// and both agreeing for the same build.
struct IntrospectionTests {
    @Test func qemu72IntrospectionLoadsWithObfuscatedTypeNames() throws {
        let schema = try Fixtures.introspection()
        #expect(schema.origin == .introspection)
        #expect(schema.commands.count == 216)
        #expect(schema.events.count == 52)
        let setLink = try #require(schema.command(named: "set_link"))
        #expect(schema.argumentMembers(of: setLink).map(\.name) == ["name", "up"])
        guard case .named(let argumentType)? = setLink.arguments else {
            Issue.record("no arguments")
            return
        }
        #expect(Int(argumentType) != nil, "type names are obfuscated numbers")
        #expect(setLink.returns == nil)
    }

    @Test(.needsShared) func introspectionAgreesWithTheSourceTreeUnderDebianX86Defines() throws {
        let live = try Fixtures.introspection()
        let source = try Fixtures.source("qemu-7.2/qapi-schema.json", defines: Fixtures.debianX86Defines)
        let disagreements = SchemaAgreement.disagreements(of: live, with: source)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(source.commands.count == live.commands.count)
        let diff = SchemaDiff.compare(source, live)
        #expect(diff.changes.isEmpty, "\(diff.changes.prefix(10))")
    }

    @Test(.needsShared) func sourceTreeWithoutDefinesHasTheFourNonX86CommandsMore() throws {
        let live = try Fixtures.introspection()
        let source = try Fixtures.source("qemu-7.2/qapi-schema.json")
        let extra = Set(source.commands.map(\.name)).subtracting(live.commands.map(\.name))
        #expect(
            extra == ["dump-skeys", "query-cpu-model-baseline", "query-cpu-model-comparison", "query-gic-capabilities"])
        let missing = SchemaAgreement.disagreements(of: source, with: live).filter { $0.hasPrefix("command") }
        #expect(missing.filter { $0.hasSuffix("is not in the source") }.count == extra.count, "\(missing)")
    }

    @Test(.needsShared) func renderedSourceLoadsBackAsAnEquivalentSchema() throws {
        let source = try Fixtures.source("qemu-7.2/qapi-schema.json", defines: Fixtures.debianX86Defines)
        let rendered = IntrospectionRenderer.render(source)
        let reloaded = try IntrospectionLoader.load(rendered)
        #expect(reloaded.commands.count == source.commands.count)
        #expect(SchemaDiff.compare(source, reloaded).changes.isEmpty)
        let setLink = try #require(rendered.arrayValue?.first { $0["name"] == "set_link" })
        #expect(
            setLink == [
                "name": "set_link", "meta-type": "command", "arg-type": "q_obj_set_link-arg", "ret-type": "q_empty",
            ])
    }

    @Test func renderingCollapsesIntegerTypesAndNamesArrays() throws {
        let schema = try SchemaLoader.loadSource(
            files: ["x": "{ 'command': 'c', 'data': { 'a': 'uint8', '*b': ['size'] } }"], main: "x"
        ).schema
        let entries = try #require(IntrospectionRenderer.render(schema).arrayValue)
        let argument = try #require(entries.first { $0["name"] == "q_obj_c-arg" })
        #expect(
            argument["members"] == [["name": "a", "type": "int"], ["name": "b", "type": "[int]", "default": nil]])
        #expect(entries.contains(["name": "[int]", "meta-type": "array", "element-type": "int"]))
        #expect(entries.contains(["name": "int", "meta-type": "builtin", "json-type": "int"]))
    }

    @Test(
        arguments: [
            (["a": 1], "must be a JSON array"),
            ([["meta-type": "command"]], "entry 0: must be an object with string 'name'"),
            ([["name": "c", "meta-type": "command", "arg-type": "9"]], "reference to undefined type '9'"),
            ([["name": "x", "meta-type": "widget"]], "unknown meta-type 'widget'"),
            (
                [["name": "c", "meta-type": "command", "arg-type": 7]],
                "entry 0 ('c'): 'arg-type' must be a type name, got integer"
            ),
            ([["name": "c", "meta-type": "command", "allow-oob": "yes"]], "'allow-oob' must be a boolean"),
            ([["name": "e", "meta-type": "enum", "values": ["a", 1]]], "enum 'e' has a value that is not a string"),
            ([["name": "e", "meta-type": "enum", "members": "a"]], "'members' must be a list, got string"),
            ([["name": "o", "meta-type": "object", "members": [], "features": [1]]], "'features' must be a list"),
            (
                [["name": "o", "meta-type": "object", "members": [], "tag": "t", "variants": 3]],
                "'variants' must be a list"
            ),
        ] as [(JSONValue, String)])
    func malformedIntrospectionIsRejectedWithTheEntry(value: JSONValue, message: String) {
        #expect {
            _ = try IntrospectionLoader.load(value)
        } throws: { error in
            (error as? DiagnosticError)?.description.contains(message) == true
        }
    }

    @Test(
        arguments: [
            ([["name": "[S]", "meta-type": "array", "element-type": "[S]"]], "array type cycle: '[S]' -> '[S]'"),
            (
                [
                    ["name": "A", "meta-type": "array", "element-type": "B"],
                    ["name": "B", "meta-type": "array", "element-type": "A"],
                    ["name": "c", "meta-type": "command", "arg-type": "A"],
                ],
                "entry 0 ('A'): array type cycle: 'A' -> 'B' -> 'A'"
            ),
        ] as [(JSONValue, String)])
    func anArrayThatIsItsOwnElementIsAnErrorNamingTheCycle(value: JSONValue, message: String) {
        #expect {
            _ = try IntrospectionLoader.load(value)
        } throws: { error in
            (error as? DiagnosticError)?.description.contains(message) == true
        }
    }

    /// 300 damaged copies of QEMU 7.2's reply: each loads or is rejected with an error, and
    /// what loads generates cases; a crash would end the test run.
    @Test func mutantsOfQemu72IntrospectionAreRejectedOrGenerateButNeverCrash() async throws {
        let bytes = try #require(FileManager.default.contents(atPath: Fixtures.introspectionPath))
        let entries = try #require(SchemaLoader.introspectionValue([UInt8](bytes))?.arrayValue)
        let rejections = await onDispatchThread { Self.rejections(ofMutantsOf: entries, count: 300) }
        for rejection in rejections {
            guard let error = rejection.error else { continue }
            #expect(error.hasPrefix("<introspection>:1:1: error: introspection"), "\(rejection.damage)")
        }
        let rejected = rejections.filter { $0.error != nil }.count
        #expect(rejected > 0 && rejected < rejections.count, "\(rejected) of \(rejections.count) rejected")
    }

    /// Loads seeded mutants and generates cases from those that load.
    /// - Returns: each mutant's damage and, when it was rejected, the error.
    static func rejections(ofMutantsOf entries: [JSONValue], count: Int) -> [(damage: String, error: String?)] {
        let mutator = IntrospectionMutator(entries: entries)
        var random = SeededRandom(seed: 72)
        let tables = Fixtures.caseDirectory
        return (0..<count).map { _ in
            let (mutant, damage) = mutator.mutant(using: &random)
            do {
                let schema = try IntrospectionLoader.load(.array(mutant))
                _ = CaseGenerator(
                    schema: schema, values: tables.values, policy: tables.policy,
                    options: .init(validBudget: 2, invalidBudget: 2)
                ).generate()
                return (damage, nil)
            } catch {
                return (damage, "\(error)")
            }
        }
    }
}
