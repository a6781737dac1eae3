/// A QEMU version as doc comments (`Since: 7.2`) and greetings state it.
public struct Version: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var micro: Int

    /// Creates a version.
    public init(_ major: Int, _ minor: Int = 0, _ micro: Int = 0) {
        self.major = major
        self.minor = minor
        self.micro = micro
    }

    /// Parses `7.2`, `0.14.0`, `v2.12`, or the leading version of a longer text (`2.9 (x-blah)`).
    /// - Parameter text: the text.
    /// - Returns: the version, or nil when the text does not start with one.
    public init?(parsing text: String) {
        var text = Substring(text.drop { $0 == " " || $0 == "v" })
        var parts: [Int] = []
        while parts.count < 3 {
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            guard let value = Int(digits) else { break }
            parts.append(value)
            text = text.dropFirst(digits.count)
            guard text.first == "." else { break }
            text = text.dropFirst()
        }
        guard parts.count >= 2 || (parts.count == 1 && (text.isEmpty || text.first == " ")) else { return nil }
        self.init(parts[0], parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    }

    public var description: String { "\(major).\(minor).\(micro)" }

    /// The release: major and minor, micro dropped (`7.2.22` is of release `7.2`).
    public var release: Version { Version(major, minor) }

    public static func < (lhs: Version, rhs: Version) -> Bool {
        (lhs.major, lhs.minor, lhs.micro) < (rhs.major, rhs.minor, rhs.micro)
    }
}
