/// A QEMU compatibility policy, as `-compat` takes it: what the endpoint does with deprecated and
/// unstable commands and members on input (accept, reject, crash) and on output (accept, hide).
///
/// `run --compat POLICY` plans, from the schema's `features`, cases that check the policy
/// (`CompatScenarioGenerator`); this type only reads and writes the policy.
public struct CompatPolicy: Sendable, Hashable, CustomStringConvertible {
    /// The features a policy speaks of.
    public enum Feature: String, Sendable, Hashable, CaseIterable {
        case deprecated, unstable
    }

    /// What the endpoint does with a flagged command or member it receives.
    public enum Input: String, Sendable, Hashable, CaseIterable {
        case accept, reject, crash
    }

    /// What the endpoint does with a flagged member or item it would send.
    public enum Output: String, Sendable, Hashable, CaseIterable {
        case accept, hide
    }

    /// The input policy per feature (absent: accept, QEMU's default).
    public var input: [Feature: Input]
    /// The output policy per feature (absent: accept, QEMU's default).
    public var output: [Feature: Output]

    /// Creates a policy.
    public init(input: [Feature: Input] = [:], output: [Feature: Output] = [:]) {
        self.input = input
        self.output = output
    }

    /// Reads `-compat`'s syntax: `deprecated-input=reject,deprecated-output=hide`, with
    /// `unstable-input` and `unstable-output` too.
    /// - Parameter text: the policy.
    /// - Throws: a diagnostic naming the first part that is not a known setting.
    public init(parsing text: String) throws(DiagnosticError) {
        self.init()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            let key = pair.first ?? ""
            let (featureName, direction) = (
                key.split(separator: "-").first.map(String.init) ?? "",
                key.split(separator: "-").dropFirst().joined(separator: "-")
            )
            guard pair.count == 2, let feature = Feature(rawValue: featureName) else {
                throw Self.unknown(String(part))
            }
            switch direction {
            case "input":
                guard let value = Input(rawValue: pair[1]) else { throw Self.unknown(String(part)) }
                input[feature] = value
            case "output":
                guard let value = Output(rawValue: pair[1]) else { throw Self.unknown(String(part)) }
                output[feature] = value
            default: throw Self.unknown(String(part))
            }
        }
    }

    private static func unknown(_ part: String) -> DiagnosticError {
        DiagnosticError(
            Diagnostic(
                .error, "'\(part)' is not a compat setting",
                hint:
                    "use deprecated-input=accept|reject|crash, deprecated-output=accept|hide, and the same for unstable-, "
                    + "separated by commas"))
    }

    /// The features whose output the policy hides.
    public var hiddenFeatures: Set<String> { Set(output.filter { $0.value == .hide }.map(\.key.rawValue)) }

    /// The policy in `-compat`'s syntax, in a fixed order.
    public var description: String {
        Feature.allCases.flatMap { feature in
            [
                input[feature].map { "\(feature.rawValue)-input=\($0.rawValue)" },
                output[feature].map { "\(feature.rawValue)-output=\($0.rawValue)" },
            ].compactMap { $0 }
        }.joined(separator: ",")
    }
}
