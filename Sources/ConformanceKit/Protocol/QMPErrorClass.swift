/// An error `class` from a QMP error reply (QMP spec §2.4.2): an open set, so a struct.
public struct QMPErrorClass: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The class name as sent, e.g. `GenericError`.
    public var rawValue: String

    /// Creates an error class from its name.
    /// - Parameter rawValue: the class name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `GenericError`: most failures, including argument validation.
    public static let genericError = QMPErrorClass(rawValue: "GenericError")
    /// `CommandNotFound`: unknown command, or not allowed in the current mode.
    public static let commandNotFound = QMPErrorClass(rawValue: "CommandNotFound")
    /// `DeviceNotActive`.
    public static let deviceNotActive = QMPErrorClass(rawValue: "DeviceNotActive")
    /// `DeviceNotFound`.
    public static let deviceNotFound = QMPErrorClass(rawValue: "DeviceNotFound")
    /// `KVMMissingCap`.
    public static let kvmMissingCap = QMPErrorClass(rawValue: "KVMMissingCap")

    /// A one-line human-readable rendering.
    public var description: String { rawValue }
}

/// The `error` member of an error reply: its class and human-readable description.
public struct QMPErrorInfo: Sendable, Hashable, CustomStringConvertible {
    /// The error class.
    public var errorClass: QMPErrorClass
    /// The description; the spec says clients should not parse it.
    public var desc: String

    /// Creates an error description.
    /// - Parameters:
    ///   - errorClass: the class.
    ///   - desc: the description.
    public init(errorClass: QMPErrorClass, desc: String) {
        self.errorClass = errorClass
        self.desc = desc
    }

    /// A one-line human-readable rendering.
    public var description: String { TextEscaping.terminal("\(errorClass): \(desc)") }
}
