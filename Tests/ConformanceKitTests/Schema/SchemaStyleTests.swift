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
                # @Color:
                #
                # @two: second
                # @one: first
                1️⃣# @three: none
                ##
                { 'enum': 'Color', 'data': [ 'one', { 'name': 'two' } ] }
                """,
            messages: ["documented member 'three' does not exist in 'Color'"]),
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
                { 'enum': 'Color', 'data': [ 'a', 'b' ], 'if': 'CONFIG_X' }
                { 'struct': 'Thing', 'data': { 'e': 'Color' } }
                { 'if': 'CONFIG_X', 'data': [ 'a', 'b' ], 'enum': 1️⃣'Color' }
                """,
            messages: ["'Color' is defined again, identically, after <snippet>:1:11; the repeat is ignored"]),
        Case(
            name: "pragma exceptions and downstream prefixes",
            marked: """
                { 'pragma': { 'command-name-exceptions': [ 'do_it' ] } }
                { 'command': 'do_it' }
                { 'command': '__com.example_do-it' }
                { 'struct': '__com.example_Thing', 'data': {} }
                { 'event': '__com.example_HAPPENED' }
                { 'enum': '__org.qemu_x-Enum', 'data': [ '__org.qemu_x-value' ] }
                { 'event': '__ORG.QEMU_X-EVENT' }
                { 'pragma': { 'member-name-exceptions': [ 'Legacy' ] } }
                { 'struct': 'Legacy', 'data': { 'Upper_case': 'int' } }
                """,
            messages: []),
        Case(
            name: "unknown pragma and member naming",
            marked: """
                { 'pragma': { 1️⃣'no-such-pragma': true } }
                { 'struct': 'Thing', 'data': { 2️⃣'Upper': 'int', 3️⃣'under_score': 'int' } }
                { 'alternate': 'Alt', 'data': { 4️⃣'a_b': 'int' } }
                """,
            messages: [
                "unknown pragma 'no-such-pragma'",
                "member name 'Upper' should be lower-case with '-', not upper case or '_'",
                "member name 'under_score' should be lower-case with '-', not upper case or '_'",
                "alternate branch name 'a_b' should be lower-case with '-', not upper case or '_'",
            ]),
        Case(
            name: "QEMU 5.2 pragma names bring that era's naming rules",
            marked: """
                { 'pragma': { 'returns-whitelist': [ 'get_it' ], 'name-case-whitelist': [ 'Legacy' ] } }
                { 'command': 'get_it', 'returns': 'int' }
                { 'struct': 'Legacy', 'data': { 'UPPER': 'int' } }
                { 'struct': 'Thing', 'data': { 'snake_case': 'int', 1️⃣'Upper': 'int' } }
                """,
            messages: ["member name 'Upper' should not use upper case"]),
        Case(
            name: "redundant flag",
            marked: "{ 'command': 'run', 'boxed': 1️⃣false, 'gen': 2️⃣true }",
            messages: ["flag 'boxed' may only use true value", "flag 'gen' may only use false value"]),
        Case(
            name: "doc layout",
            marked: """
                ##
                1️⃣#@run:
                # @a: line one
                6️⃣# line two
                2️⃣# @a: again
                #
                # Returns: something
                #
                3️⃣# Returns: again
                #
                4️⃣# @b: late
                # Note:
                5️⃣##
                { 'command': 'run', 'data': { 'a': 'int', 'b': 'int' }, 'returns': 'Thing' }
                { 'struct': 'Thing', 'data': {} }
                """,
            // The de-indent comes last: QEMU 10.0 reads the line as a paragraph, so it is kept
            // only once the schema's era is known (here: no 10.0 pragma).
            messages: [
                "missing space after #", "'a' parameter name duplicated", "duplicated 'Returns' section",
                "'@b:' can't follow 'Returns' section", "empty doc section 'Note'",
                "unexpected de-indent (expected at least 4 spaces)",
            ]),
        Case(
            name: "doc blocks out of place",
            marked: """
                1️⃣##
                # @first:
                ##
                { 'pragma': { 'doc-required': false } }
                2️⃣##
                # = Heading
                ##
                { 'command': 'second' }
                ##
                # @THIRD:
                #
                # Features:
                #
                # @doc: documented
                4️⃣# @gone: not a feature
                #
                3️⃣# Returns: nothing
                ##
                { 'event': 'THIRD', 'features': [ 'doc' ] }
                ##
                # @fourth:
                ##
                { 'command': 'fourth', 5️⃣'features': [ 'undoc' ] }
                """,
            messages: [
                "documentation for 'first' is not followed by the definition", "definition documentation required",
                "'Returns:' is only valid for commands", "documented feature 'gone' does not exist in 'THIRD'",
                "feature 'undoc' of 'fourth' lacks documentation",
            ]),
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

    @Test func rstStyleDocsOfQEMU10Pass() throws {
        let text = """
            { 'pragma': { 'documentation-exceptions': [] } }
            ##
            # @run:
            #
            # Runs it.
            #
            # @a: an argument whose description goes on
            #     on a line indented by four
            # @b: a description with a paragraph after it,
            # as QEMU 10.0 reads it
            #
            # .. note:: An rST directive.
            #
            # Features:
            #
            # @deprecated: Going away.
            #
            # Errors:
            #     - If it fails, GenericError
            #
            # Since: 10.0
            ##
            { 'command': 'run', 'data': { 'a': 'int', 'b': 'int' }, 'features': [ 'deprecated' ] }
            """
        let result = try SchemaLoader.loadSource(
            files: ["<snippet>": text], main: "<snippet>", options: SchemaLoader.Options(strict: true))
        #expect(result.diagnostics.filter { $0.severity >= .warning }.isEmpty)
        let doc = try #require(result.schema.command(named: "run")?.doc)
        #expect(doc.features.map(\.name) == ["deprecated"])
        #expect(doc.members.map(\.name) == ["a", "b"])
    }

    @Test func oldDialectIsANoteButAnErrorUnderStrict() throws {
        let text = "{ 'type': 'Old', 'data': { 'a': 'int' } }\n{ 'union': 'Simple', 'data': { 'x': 'Old' } }"
        let lenient = try SchemaLoader.loadSource(files: ["<snippet>": text], main: "<snippet>")
        #expect(lenient.diagnostics.filter { $0.severity >= .warning }.isEmpty)
        #expect(lenient.diagnostics.filter { $0.severity == .note }.count == 2)
        #expect(throws: DiagnosticError.self) {
            try SchemaLoader.loadSource(
                files: ["<snippet>": text], main: "<snippet>", options: SchemaLoader.Options(strict: true))
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
