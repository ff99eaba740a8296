// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// ClipMedia's and the sandbox's pixel loops (QA sampling, colour statistics, rendering) are generic Swift
/// that runs 5-10x slower unoptimised, which made the end-to-end tests spend most of their time there.
/// scripts/test.sh sets CLIPKIT_OPTIMIZED_DEBUG=1 so the test build compiles those two modules with -O
/// (still testable). Off by default: unsafe flags would keep other packages from depending on ClipKit.
let pixelLoopSettings: [SwiftSetting] =
    swiftSettings
    + (Context.environment["CLIPKIT_OPTIMIZED_DEBUG"] == "1" ? [.unsafeFlags(["-O"], .when(configuration: .debug))] : [])

let package = Package(
    name: "ClipKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clipkit", targets: ["clipkit"]),
        .library(name: "ClipMedia", targets: ["ClipMedia"]),
        .library(name: "ClipProviders", targets: ["ClipProviders"]),
        .library(name: "ClipPipeline", targets: ["ClipPipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: FFmpeg bridge and media operations (no networking)
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libavutil libswscale",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev"])]
        ),
        .target(
            name: "ClipMedia",
            dependencies: ["CFFmpeg"],
            swiftSettings: pixelLoopSettings
        ),

        // MARK: Provider clients (no FFmpeg)
        .target(
            name: "ClipProviders",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Local sandbox that speaks the providers' wire formats and renders real clips
        .target(
            name: "ClipSandbox",
            dependencies: [
                "ClipMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: pixelLoopSettings
        ),

        // MARK: Orchestration: presets, QA policy, generate, chains, journal, gallery, webhooks
        .target(
            name: "ClipPipeline",
            dependencies: [
                "ClipMedia",
                "ClipProviders",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Work queue and worker runtime on PostgreSQL (no FFmpeg, no providers)
        .target(
            name: "ClipQueue",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Command-line tool
        .executableTarget(
            name: "clipkit",
            dependencies: [
                "ClipMedia",
                "ClipProviders",
                "ClipSandbox",
                "ClipPipeline",
                "ClipQueue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Fuzz target (scripts/fuzz.sh builds it with libFuzzer; otherwise a corpus replayer)
        .executableTarget(
            name: "clipkit-fuzz",
            dependencies: ["ClipMedia"],
            swiftSettings: swiftSettings
        ),

        // MARK: Test support and tests
        .target(
            name: "ClipTestSupport",
            dependencies: ["ClipMedia"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClipMediaTests",
            dependencies: ["ClipMedia", "ClipTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClipProvidersTests",
            dependencies: [
                "ClipProviders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            resources: [.copy("Samples")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClipSandboxTests",
            dependencies: [
                "ClipSandbox", "ClipMedia", "ClipTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClipPipelineTests",
            dependencies: [
                "ClipPipeline", "ClipSandbox", "ClipTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClipQueueTests",
            dependencies: [
                "ClipQueue", "ClipTestSupport", "ClipMedia", "ClipSandbox", "ClipPipeline", "ClipProviders",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ClipKitTests",
            dependencies: [
                "ClipTestSupport", "ClipMedia", "ClipSandbox", "ClipPipeline",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
