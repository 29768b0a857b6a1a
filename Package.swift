// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Portier",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "portier", targets: ["portier"]),
        .executable(name: "portier-bench", targets: ["portier-bench"]),
        .library(name: "Portier", targets: ["Portier"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/JohnSundell/Ink.git", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "Portier",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Ink", package: "Ink"),
                .target(name: "PortierDKIM"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .target(name: "PortierQR"),
                .target(name: "PortierSearch"),
                .target(name: "PortierWebAuthn"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "portier",
            dependencies: [
                .target(name: "Portier"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmark-only commands (bench/), never in the program production runs.
        .executableTarget(
            name: "portier-bench",
            dependencies: [
                .target(name: "Portier"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Protocol modules of their own, each checked against a reference implementation.
        .target(name: "PortierQR", swiftSettings: swiftSettings),
        // Help-center search: analysis, index and ranking in memory (bench/search-quality).
        .target(name: "PortierSearch", swiftSettings: swiftSettings),
        .executableTarget(name: "search-quality", dependencies: [.target(name: "PortierSearch")], swiftSettings: swiftSettings),
        .target(
            name: "PortierDKIM",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortierWebAuthn",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the Python reference implementations of tests/reference/ from Swift tests.
        .target(
            name: "ReferenceImplementations",
            path: "Tests/ReferenceImplementations",
            swiftSettings: swiftSettings
        ),
        // A software authenticator and a CBOR encoder that build WebAuthn inputs for tests.
        .target(
            name: "WebAuthnTestSupport",
            dependencies: [
                .target(name: "PortierWebAuthn"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/WebAuthnTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortierDKIMTests",
            dependencies: [
                .target(name: "PortierDKIM"),
                .target(name: "ReferenceImplementations"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortierSearchTests",
            dependencies: [.target(name: "PortierSearch")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortierQRTests",
            dependencies: [
                .target(name: "PortierQR"),
                .target(name: "ReferenceImplementations"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortierWebAuthnTests",
            dependencies: [.target(name: "PortierWebAuthn"), .target(name: "WebAuthnTestSupport")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortierTests",
            dependencies: [
                .target(name: "Portier"),
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .target(name: "ReferenceImplementations"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .target(name: "PortierWebAuthn"),
                .target(name: "WebAuthnTestSupport"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

var swiftSettings: [SwiftSetting] {
    [.enableUpcomingFeature("ExistentialAny")]
}
