/// The server's greeting (QMP spec §2.2): its version and offered capabilities.
public struct QMPGreeting: Sendable, Hashable {
    /// The `version` object, in the format of `query-version`.
    public var version: JSONObject
    /// The offered capabilities, e.g. `["oob"]`.
    public var capabilities: [String]
    /// The whole greeting as received.
    public var raw: JSONObject

    /// Creates a greeting.
    /// - Parameters:
    ///   - version: the version object.
    ///   - capabilities: the offered capabilities.
    ///   - raw: the whole message.
    public init(version: JSONObject, capabilities: [String], raw: JSONObject) {
        self.version = version
        self.capabilities = capabilities
        self.raw = raw
    }

    /// `major.minor.micro` from `version.qemu`, when all three are integers.
    public var qemuVersion: (major: Int64, minor: Int64, micro: Int64)? {
        guard let qemu = version["qemu"]?.objectValue,
            let major = qemu["major"]?.int64Value,
            let minor = qemu["minor"]?.int64Value,
            let micro = qemu["micro"]?.int64Value
        else { return nil }
        return (major, minor, micro)
    }

    /// `version.package` (e.g. a distribution's build tag), when it is a string.
    public var package: String? { version["package"]?.stringValue }

    /// Whether the server offers out-of-band execution.
    public var offersOOB: Bool { capabilities.contains("oob") }
}
