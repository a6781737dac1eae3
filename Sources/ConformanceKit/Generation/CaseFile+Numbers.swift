extension CaseFile {
    /// An integer within a range, read from a value of this file: the one checked conversion the
    /// case-file loaders use for numbers, so that no number from a file (`1e300`,
    /// `18446744073709551616`, `-1`, `2.5`) reaches an arithmetic trap.
    /// - Parameters:
    ///   - value: the value.
    ///   - path: where it sits, for the error.
    ///   - range: the allowed values.
    /// - Returns: the integer.
    /// - Throws: `DiagnosticError` at the value, naming the allowed range.
    public func integer(_ value: JSONValue, at path: JSONPath, in range: ClosedRange<Int64>) throws(DiagnosticError)
        -> Int64
    {
        let integer: Int64? =
            switch value {
            case .int(let number): number
            case .uint(let number): Int64(exactly: number)
            case .double(let number): Int64(exactly: number)
            default: nil
            }
        guard let integer, range.contains(integer) else {
            throw error(
                "expected an integer in \(range.lowerBound)...\(range.upperBound), got \(ValueMatcher.text(value))",
                at: path)
        }
        return integer
    }
}
