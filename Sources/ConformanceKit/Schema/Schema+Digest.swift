extension Schema {
    /// A short fingerprint of what the schema means on the wire (its introspection form, names
    /// included), for reports: two runs with the same digest tested the same schema.
    public var digest: String {
        var hash = StableHash()
        hash.combine(JSONWriter.compact.bytes(IntrospectionRenderer.render(self)))
        let hex = String(hash.value, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
