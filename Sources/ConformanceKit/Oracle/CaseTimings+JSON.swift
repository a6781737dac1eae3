extension CaseTimings {
    /// The timings as JSON, as baselines and JSON reports carry them: `roundTrips` and
    /// `eventLatencies`, each a list of `{"name": ..., "milliseconds": ...}`; empty lists are
    /// left out.
    public var jsonValue: JSONValue {
        var object = JSONObject()
        func list(_ measures: [Measure]) -> JSONValue {
            .array(measures.map { ["name": .string($0.name), "milliseconds": .double($0.milliseconds)] })
        }
        if !roundTrips.isEmpty { object["roundTrips"] = list(roundTrips) }
        if !eventLatencies.isEmpty { object["eventLatencies"] = list(eventLatencies) }
        return .object(object)
    }

    /// Reads timings written by `jsonValue`.
    /// - Parameters:
    ///   - value: the value.
    ///   - path: where it sits in its file.
    ///   - document: the file, for locations.
    /// - Throws: `DiagnosticError` at the first member that is not as `jsonValue` writes it.
    public init(json value: JSONValue, at path: JSONPath, in document: CaseFile) throws(DiagnosticError) {
        let object = try document.object(value, at: path, keys: ["roundTrips", "eventLatencies"], what: "timings")
        func measures(_ key: String) throws(DiagnosticError) -> [Measure] {
            var measures: [Measure] = []
            for (index, entry) in try document.list(object[key], at: path.appending(key)).enumerated() {
                let at = path.appending(key).appending(index: index)
                let members = try document.object(entry, at: at, keys: ["name", "milliseconds"], what: "a time")
                guard let milliseconds = members["milliseconds"]?.doubleValue, milliseconds >= 0, milliseconds.isFinite
                else { throw document.error("'milliseconds' must be a number of at least 0", at: at) }
                measures.append(
                    Measure(
                        try document.string(members["name"] ?? .null, at: at.appending("name")),
                        milliseconds: milliseconds))
            }
            return measures
        }
        self.init(roundTrips: try measures("roundTrips"), eventLatencies: try measures("eventLatencies"))
    }
}
