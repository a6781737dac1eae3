#if LIBFUZZER
    import Foundation
    import TestSupport

    /// The hand-over to libFuzzer (linked in by `-sanitize=fuzzer`): its driver parses the
    /// remaining arguments (options, corpus directories) and calls back with each input.
    enum LibFuzzer {
        /// Runs libFuzzer's driver.
        /// - Parameter arguments: the program name and libFuzzer's arguments.
        /// - Returns: libFuzzer's exit status.
        static func run(_ arguments: [String]) -> Int32 {
            var argc = Int32(arguments.count)
            var pointers = arguments.map { strdup($0) } + [nil]
            return pointers.withUnsafeMutableBufferPointer { buffer in
                var argv = buffer.baseAddress
                return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
            }
        }
    }

    /// libFuzzer's callback (its library also refers to it by this name): one input to the target.
    @_cdecl("LLVMFuzzerTestOneInput")
    func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        FuzzCommand.target.run(Array(UnsafeRawBufferPointer(start: data, count: size)))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    private func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32
#endif
