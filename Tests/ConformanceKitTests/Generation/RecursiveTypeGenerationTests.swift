import Testing

@testable import ConformanceKit

/// Types that contain themselves: generation ends, valid cases stay valid, and a type without any
/// finite value is reported instead of recursing without end.
struct RecursiveTypeGenerationTests {
    /// Generates with the project's tables from introspection entries.
    static func generate(introspection entries: [JSONValue]) throws -> (Schema, CaseGenerator.Output) {
        let schema = try IntrospectionLoader.load(.array(builtins + entries))
        let tables = Fixtures.caseDirectory
        return (schema, CaseGenerator(schema: schema, values: tables.values, policy: tables.policy).generate())
    }

    static let builtins: [JSONValue] = [
        ["name": "int", "meta-type": "builtin", "json-type": "int"],
        ["name": "str", "meta-type": "builtin", "json-type": "string"],
    ]

    /// The command `c` taking one required member `a` of a type.
    static func command(taking type: String) -> [JSONValue] {
        [
            ["name": "c-arg", "meta-type": "object", "members": [["name": "a", "type": .string(type)]]],
            ["name": "c", "meta-type": "command", "arg-type": "c-arg"],
        ]
    }

    /// Every valid case validates against the schema.
    static func expectValidCasesValidate(_ output: CaseGenerator.Output, in schema: Schema) {
        let validator = ValueValidator(schema: schema)
        for testCase in output.cases where testCase.kind == .valid {
            let command = schema.command(named: testCase.command)!
            let violations = validator.validateArguments(testCase.arguments, of: command)
            #expect(violations.isEmpty, "\(testCase.summary): \(violations)")
        }
    }

    @Test(
        arguments: [
            [["name": "A", "meta-type": "alternate", "members": [["type": "A"]]]],
            [
                ["name": "A1", "meta-type": "alternate", "members": [["type": "A2"]]],
                ["name": "A2", "meta-type": "alternate", "members": [["type": "A1"]]],
            ],
            [
                [
                    "name": "A", "meta-type": "object", "members": [["name": "kind", "type": "str"]], "tag": "kind",
                    "variants": [["case": "again", "type": "A"]],
                ]
            ],
        ] as [[JSONValue]])
    func aTypeWithoutAFiniteValueCutsItsCommandsCasesWithANote(types: [JSONValue]) throws {
        let (_, output) = try Self.generate(introspection: types + Self.command(taking: types[0]["name"]!.stringValue!))
        #expect(output.cases.filter { $0.kind == .valid }.isEmpty)
        #expect(output.cases.filter { $0.kind == .invalid }.map(\.summary) == ["arguments is an array, not an object"])
        #expect(output.notes.contains { $0.message.hasPrefix("c: its arguments type 'c-arg' has no finite value") })
    }

    @Test func alternatesThatAreEachOthersBranchesGetTheirFiniteBranch() throws {
        let types: [JSONValue] = [
            ["name": "A1", "meta-type": "alternate", "members": [["type": "A2"], ["type": "S"]]],
            ["name": "A2", "meta-type": "alternate", "members": [["type": "A1"]]],
            ["name": "S", "meta-type": "object", "members": [["name": "x", "type": "int"]]],
        ]
        let (schema, output) = try Self.generate(introspection: types + Self.command(taking: "A1"))
        #expect(output.cases.first { $0.kind == .valid }?.arguments == ["a": ["x": 0]])
        #expect(output.notes.isEmpty)
        Self.expectValidCasesValidate(output, in: schema)
    }

    @Test func aUnionVariantThatIsTheUnionIsLeftOutAndTheOtherBranchesCovered() throws {
        let types: [JSONValue] = [
            ["name": "K", "meta-type": "enum", "values": ["again", "leaf"]],
            [
                "name": "U", "meta-type": "object", "members": [["name": "kind", "type": "K"]], "tag": "kind",
                "variants": [["case": "again", "type": "U"], ["case": "leaf", "type": "L"]],
            ],
            ["name": "L", "meta-type": "object", "members": [["name": "n", "type": "int"]]],
        ]
        let (schema, output) = try Self.generate(introspection: types + Self.command(taking: "U"))
        let valid = output.cases.filter { $0.kind == .valid }
        #expect(valid.first?.arguments == ["a": ["kind": "leaf", "n": 0]])
        #expect(!valid.contains { $0.summary.contains("'again'") })
        Self.expectValidCasesValidate(output, in: schema)
    }

    @Test func aStructThatRequiresItselfIsReportedAndAnOptionalMemberOfItLeftOut() throws {
        let output = try CaseGeneratorTests.generate(
            """
            { 'struct': 'S', 'data': { 'next': 'S' } }
            { 'command': 'c', 'data': { 's': 'S' } }
            { 'command': 'd', 'data': { 'x': 'int', '*s': 'S' } }
            """)
        #expect(output.notes.map(\.message).filter { $0.contains("no finite value") }.count == 1)
        #expect(!output.cases.contains { $0.command == "c" && $0.kind == .valid })
        let d = output.cases.filter { $0.command == "d" && $0.kind == .valid }
        #expect(!d.isEmpty)
        #expect(!d.contains { $0.arguments?["s"] != nil }, "no finite value can be sent for 's'")
    }

    @Test func aRequiredChainDeeperThanTheDepthLimitStillGetsValidValues() throws {
        let chain = (0..<12).map { "{ 'struct': 'T\($0)', 'data': { 'v': 'int', 'next': 'T\($0 + 1)' } }" }
        let qapi =
            chain.joined(separator: "\n")
            + "\n{ 'struct': 'T12', 'data': { 'v': 'int' } }\n{ 'command': 'c', 'data': { 't': 'T0' } }"
        let schema = try SchemaLoader.loadSource(files: ["x": qapi], main: "x").schema
        let output = Fixtures.generate(schema)
        #expect(output.cases.contains { $0.kind == .valid })
        Self.expectValidCasesValidate(output, in: schema)
    }

    /// Ten levels of ten required members: finite, but 10^10 nodes; reported like a cycle, and a
    /// union with such a branch takes its other branch.
    @Test func aTypeWhoseSmallestValueIsHugeIsCutAndAvoidedAsABranch() throws {
        var types: [JSONValue] = (0..<10).map { level in
            let members: [JSONValue] = (0..<10).map { ["name": .string("m\($0)"), "type": .string("T\(level + 1)")] }
            return ["name": .string("T\(level)"), "meta-type": "object", "members": .array(members)]
        }
        types.append(["name": "T10", "meta-type": "object", "members": [["name": "v", "type": "int"]]])
        types.append(["name": "S", "meta-type": "object", "members": [["name": "x", "type": "int"]]])
        types.append(["name": "K", "meta-type": "enum", "values": ["big", "small"]])
        types.append([
            "name": "U", "meta-type": "object", "members": [["name": "kind", "type": "K"]], "tag": "kind",
            "variants": [["case": "big", "type": "T0"], ["case": "small", "type": "S"]],
        ])
        let huge = try Self.generate(introspection: types + Self.command(taking: "T0"))
        #expect(huge.1.cases.filter { $0.kind == .valid }.isEmpty)
        #expect(huge.1.notes.contains { $0.message.contains("more than 100000 JSON nodes") })
        let (schema, output) = try Self.generate(introspection: types + Self.command(taking: "U"))
        #expect(output.cases.first { $0.kind == .valid }?.arguments == ["a": ["kind": "small", "x": 0]])
        Self.expectValidCasesValidate(output, in: schema)
    }
}
