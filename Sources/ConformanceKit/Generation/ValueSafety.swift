/// The sandbox rules every string the generator sends must keep: paths only under `${scratch}`,
/// network addresses only on loopback (never multicast), no `exec:` or other ways to run a host
/// program, and only the placeholders a run substitutes.
///
/// `ValueTable.load` applies it to the table's values, so an unsafe table is refused before any
/// case is generated; the tests apply it to every generated case as well.
enum ValueSafety {
    /// The hosts a value may name.
    static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost", "[::1]"]
    /// The placeholders a value-table template may use.
    static let placeholders = ["member", "scratch", "free_port"]
    /// Where QOM paths start (`/machine/peripheral/...`, `/objects/...`): names inside QEMU, not
    /// host paths. `ValueTable` lets a role hold one only where a command takes a QOM path.
    static let qomRoots = ["/machine/", "/objects/"]
    /// Text that asks a shell or QEMU to run a program.
    static let spawning = ["exec:", "`", "$("]

    /// What is unsafe about a string, if anything.
    /// - Parameter text: a value (placeholders unsubstituted).
    /// - Returns: the broken rule in words; nil when the value is safe.
    static func unsafety(_ text: String) -> String? {
        let lower = text.lowercased()
        if let spawn = spawning.first(where: { lower.contains($0) }) { return "may run a host program ('\(spawn)')" }
        if let scheme = lower.range(of: "://") {
            let rest = lower[scheme.upperBound...]
            let hostPort = rest.prefix { $0 != "/" }
            let host =
                hostPort.hasPrefix("[")
                ? String(hostPort.prefix { $0 != "]" }) + "]" : String(hostPort.prefix { $0 != ":" })
            return loopbackHosts.contains(host) ? nil : "URL to a host other than loopback"
        }
        if lower.hasPrefix("tcp:") || lower.hasPrefix("udp:") || lower.hasPrefix("rdma:") {
            return lower.hasPrefix("tcp:127.0.0.1:") ? nil : "migration URI to a host other than loopback"
        }
        if lower.hasPrefix("file:") {
            let path = String(text.dropFirst(5))
            return path.hasPrefix("${scratch}/") ? unsafety(path) : "file: URI outside the scratch directory"
        }
        if isQOMPath(text) { return nil }
        if text.hasPrefix("/") || text.hasPrefix("~") || text.hasPrefix("./") || text.hasPrefix("../") {
            return "host path outside the scratch directory"
        }
        if text.contains("/"), !text.hasPrefix("${scratch}") { return "path-like value outside the scratch directory" }
        if text.hasPrefix("${scratch}"), text.contains("..") { return "escapes the scratch directory" }
        return addressUnsafety(text, lower: lower)
    }

    /// Whether a value is a QOM path (under a QOM root, never climbing out of it).
    /// - Parameter text: a value.
    /// - Returns: whether it names a QOM object rather than a host path.
    static func isQOMPath(_ text: String) -> Bool {
        qomRoots.contains(where: text.hasPrefix) && !text.contains("..") && !text.contains("${")
    }

    /// What is unsafe about a value that is an address (a dotted quad, `host:port`, IPv6).
    private static func addressUnsafety(_ text: String, lower: String) -> String? {
        let host =
            text.contains(":") && text.filter({ $0 == ":" }).count == 1 ? String(text.prefix { $0 != ":" }) : text
        let parts = host.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) {
            if let first = UInt8(parts[0]), (224...239).contains(first) { return "multicast address" }
            return host == "127.0.0.1" ? nil : "IPv4 address other than loopback"
        }
        if text.contains("::") || lower.hasPrefix("ff0") && text.contains(":") {
            return text == "::1" || text.hasPrefix("${") ? nil : "IPv6 address other than loopback"
        }
        return nil
    }

    /// The first placeholder of a template that a run does not substitute (or an unterminated one).
    /// - Parameter template: a value-table template.
    /// - Returns: the unknown placeholder as written, nil when all are known.
    static func unknownPlaceholder(in template: String) -> String? {
        var rest = Substring(template)
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                return String(rest[open.lowerBound...])
            }
            let name = String(rest[open.upperBound..<close])
            if !placeholders.contains(name) { return "${\(name)}" }
            rest = rest[rest.index(after: close)...]
        }
        return nil
    }
}
