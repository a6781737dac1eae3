import Testing

@testable import ConformanceKit

/// The nested-quantifier check: repeated groups that hold a repetition are refused, everything
/// else (including the shipped and QEMU patterns) passes.
struct PatternLimitsTests {
    @Test(arguments: [
        ("(a+)+'", true), ("^([^X]+)+X$", true), ("(a*)*", true), ("(x+){2,}", true), ("((a+)b)*", true),
        (#"(\d+)+"#, true), ("(?:a+)+", true), ("(a+)", false), ("(ab)+", false), ("a+b+", false),
        ("(a+)?", false), (#"\(a+\)+"#, false), ("[(a+)+]", false), ("(a+){1}", false), ("(a{1,3})x", false),
        (#"^Parameter '([^']*)' expects (u?int(8|16|32|64)|size|integer|number)$"#, false),
        (#"^Invalid parameter type for '([^']*)', expected: .+$"#, false),
    ])
    func nestedQuantifiersAreRefused(pattern: String, hazardous: Bool) {
        #expect((PatternLimits.backtrackingHazard(in: pattern) != nil) == hazardous, "\(pattern)")
    }

    @Test func qemusOwnPatternsAreAccepted() {
        for pattern in ValidationMessages.qemu.patterns.values.flatMap({ $0 }) {
            #expect(PatternLimits.backtrackingHazard(in: pattern.pattern) == nil, "\(pattern.pattern)")
        }
    }
}
