import Testing

@testable import ConformanceKit

/// QEMU's style rules are warnings (errors under `--strict`) at the place they concern; `1️⃣`
/// marks where each finding must point, and a rule that does not apply finds nothing.
struct SchemaStyleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var marked: String
        /// The warnings expected, in order, each at the marker of the same position.
        var messages: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "documented member that does not exist",
            marked: """
                ##
                # @Foo:
                #
                # @b: the b
                #
                1️⃣# @c: not a member
                ##
                { 'struct': 'Foo', 'data': { 'a': 'int', '*b': 'str' } }
                """,
            messages: ["documented member 'c' does not exist in 'Foo'"]),
        Case(
            name: "members documented out of order, optional and from the base",
            marked: """
                { 'struct': 'Base', 'data': { 'z': 'int' } }
                ##
                # @Foo:
                #
                # @c: third
                # @a: first
                # @b: second
                # @z: from the base
                ##
                { 'struct': 'Foo', 'base': { 'z': 'int' }, 'data': { 'a': 'int', '*b': 'str', 'c': 'bool' } }
                """,
            messages: []),
        Case(
            name: "documented enum value that does not exist",
            marked: """
                ##
                # @E:
                #
                # @two: second
                # @one: first
                1️⃣# @three: none
                ##
                { 'enum': 'E', 'data': [ 'one', { 'name': 'two' } ] }
                """,
            messages: ["documented member 'three' does not exist in 'E'"]),
        Case(
            name: "doc block for another symbol",
            marked: "1️⃣##\n# @Bar:\n##\n{ 'struct': 'Foo', 'data': {} }",
            messages: ["documentation comment is for 'Bar', not 'Foo'"]),
        Case(
            name: "naming conventions",
            marked: """
                { 'command': 1️⃣'do_it' }
                { 'event': 2️⃣'Happened' }
                { 'struct': 3️⃣'lowerType', 'data': {} }
                { 'struct': 4️⃣'ThingList', 'data': {} }
                { 'command': 5️⃣'Upper-case' }
                """,
            messages: [
                "command name 'do_it' should use '-', not '_'", "event name 'Happened' should be ALL_CAPS with '_'",
                "type name 'lowerType' should be CamelCase, starting with a capital",
                "type name 'ThingList' should not end with 'List': that suffix names array types in generated C",
                "command name 'Upper-case' should be lower-case",
            ]),
        Case(
            name: "identical repeat of a definition, keys in another order",
            marked: """
                { 'enum': 'E', 'data': [ 'a', 'b' ], 'if': 'CONFIG_X' }
                { 'struct': 'S', 'data': { 'e': 'E' } }
                { 'if': 'CONFIG_X', 'data': [ 'a', 'b' ], 'enum': 1️⃣'E' }
                """,
            messages: ["'E' is defined again, identically, after <snippet>:1:11; the repeat is ignored"]),
        Case(
            name: "pragma exceptions and downstream prefixes",
            marked: """
                { 'pragma': { 'command-name-exceptions': [ 'do_it' ] } }
                { 'command': 'do_it' }
                { 'command': '__com.example_do-it' }
                { 'struct': '__com.example_Thing', 'data': {} }
                { 'event': '__com.example_HAPPENED' }
                """,
            messages: []),
    ]

    @Test(arguments: cases)
    func styleFindingsAreWarningsAtTheirPlace(_ style: Case) throws {
        let marked = MarkedText(style.marked)
        let result = try SchemaLoader.loadSource(files: ["<snippet>": marked.text], main: "<snippet>")
        let warnings = result.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.message) == style.messages)
        for (marker, warning) in zip(MarkedText.markers, warnings) {
            let expected = try #require(marked.locations[marker])
            #expect(warning.location?.line == expected.line, "\(warning)")
            #expect(warning.location?.column == expected.column, "\(warning)")
        }
    }

    @Test func strictModeMakesStyleWarningsErrors() {
        #expect(throws: DiagnosticError.self) {
            try SchemaLoader.loadSource(
                files: ["<snippet>": "{ 'command': 'do_it' }"], main: "<snippet>",
                options: SchemaLoader.Options(strict: true))
        }
    }
}
