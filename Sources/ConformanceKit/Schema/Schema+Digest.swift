extension Schema {
    /// A short fingerprint of what the schema means on the wire (its introspection form, names
    /// included), for reports: two runs with the same digest tested the same schema.
    public var digest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in JSONWriter.compact.bytes(IntrospectionRenderer.render(self)) {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
