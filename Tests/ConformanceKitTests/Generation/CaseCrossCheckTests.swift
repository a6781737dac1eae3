import TestSupport
import Testing

@testable import ConformanceKit

/// The generator and the validator check each other over whole real schemas: every valid case
/// validates, every invalid case breaks exactly its stated rule at its stated path.
struct CaseCrossCheckTests {
    static func crossCheck(_ schema: Schema) -> [String] {
        let validator = ValueValidator(schema: schema)
        var problems: [String] = []
        for testCase in Fixtures.generate(schema).cases {
            guard let command = schema.command(named: testCase.command) else { continue }
            let violations = validator.validateArguments(testCase.arguments, of: command)
            switch testCase.expectation {
            case .accept where testCase.kind == .valid:
                if !violations.isEmpty { problems.append("\(testCase.id) \(testCase.summary): \(violations)") }
            case .reject(let rule, let path):
                if violations.count != 1 || violations[0].rule != rule || violations[0].path != path {
                    problems.append(
                        "\(testCase.id) \(testCase.summary): expected \(rule.rawValue) at \(path), got \(violations)")
                }
            default: break
            }
        }
        return problems
    }

    @Test(.needsShared) func everyCaseOfTheQemu72SourceTreeMeansWhatItSays() throws {
        let problems = Self.crossCheck(try Fixtures.source("qemu-7.2/qapi-schema.json"))
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(8).joined(separator: "\n"))")
    }

    @Test func everyCaseOfTheQemu72IntrospectionMeansWhatItSays() throws {
        let problems = Self.crossCheck(try Fixtures.introspection())
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(8).joined(separator: "\n"))")
    }

    @Test(.needsShared, arguments: RealSchemaTests.netFolders)
    func everyCaseOfEachHistoricalNetSchemaMeansWhatItSays(folder: String) throws {
        let problems = Self.crossCheck(try Fixtures.source("\(folder)/net.json"))
        #expect(problems.isEmpty, "\(problems.prefix(8).joined(separator: "\n"))")
    }
}
