// swift-tools-version: 6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "qmp-conform",
    products: [
        .executable(name: "qmp-conform", targets: ["qmp-conform"]),
        .library(name: "ConformanceKit", targets: ["ConformanceKit"]),
    ],
    targets: [
        .target(name: "ConformanceKit", swiftSettings: swiftSettings),
        .executableTarget(name: "qmp-conform", dependencies: ["ConformanceKit"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "qmp-conform-benchmarks",
            dependencies: ["ConformanceKit"],
            path: "Benchmarks/Swift",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qmp-conform-fuzz", dependencies: ["ConformanceKit", "TestSupport"], path: "Fuzz",
            swiftSettings: swiftSettings),
        .target(
            name: "TestSupport", dependencies: ["ConformanceKit"], path: "Tests/TestSupport",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ConformanceKitTests",
            dependencies: ["ConformanceKit", "TestSupport"],
            exclude: ["Fixtures", "Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests", dependencies: ["ConformanceKit", "TestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
