import Foundation

/// What a scenario step expects of an error reply: its class, and a pattern its `desc` matches.
///
/// Either may be left out (any class, any description). Built by `ScenarioLoader` and the
/// sequence generator, judged by the `Oracle`; it does not talk to an endpoint.
public struct ErrorExpectation: Sendable, Hashable {
    /// The expected class, e.g. `DeviceNotFound`; nil accepts any.
    public var errorClass: QMPErrorClass?
    /// A regular expression the `desc` must match somewhere; nil accepts any.
    public var descPattern: String?

    /// Creates an expectation.
    /// - Parameters:
    ///   - errorClass: the class, or nil for any.
    ///   - descPattern: the description pattern, or nil for any.
    public init(errorClass: QMPErrorClass? = nil, descPattern: String? = nil) {
        self.errorClass = errorClass
        self.descPattern = descPattern
    }

    /// The differences between this expectation and an error reply.
    /// - Parameter error: the reply's error.
    /// - Returns: the mismatches (paths `error.class`, `error.desc`), empty when it matches.
    public func mismatches(_ error: QMPErrorInfo) -> [ValueMatcher.Mismatch] {
        var found: [ValueMatcher.Mismatch] = []
        let root = JSONPath.root.appending("error")
        if let errorClass, errorClass != error.errorClass {
            found.append(
                .init(path: root.appending("class"), expected: errorClass.rawValue, actual: error.errorClass.rawValue))
        }
        if let descPattern {
            found += ValueMatcher.regex(descPattern).mismatches(.string(error.desc), at: root.appending("desc"))
        }
        return found
    }
}
