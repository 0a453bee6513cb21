// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "hookd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "hookd", targets: ["hookd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // The system liblua5.4 (Debian: liblua5.4-dev), found through pkg-config.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // Every Lua-callable function and every call that can raise a Lua error lives here, in C.
        .target(
            name: "CLuaShim",
            dependencies: ["CLua"],
            exclude: ["hk_runner.lua"],
            cSettings: [.unsafeFlags(["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"])]
        ),
        // LuaRuntime sees only the shim's byte-level API (hookd_lua.h), never the Lua API itself.
        .target(name: "LuaRuntime", dependencies: ["CLuaShim"]),
        .target(name: "HookdCore", dependencies: [
            "LuaRuntime",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        // The one SQLite setting GRDB cannot make: sqlite3_config is variadic, so C calls it.
        .target(
            name: "CSQLiteTuning",
            cSettings: [.unsafeFlags(["-O2", "-Wall", "-Wextra"])],
            linkerSettings: [.linkedLibrary("sqlite3")]
        ),
        // The SQLite `Store` (GRDB over the system libsqlite3; Debian: libsqlite3-dev).
        .target(name: "HookdSQLite", dependencies: [
            "HookdCore", "CSQLiteTuning",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .target(name: "HookdServer", dependencies: [
            "HookdCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOExtras", package: "swift-nio-extras"),
        ]),
        .executableTarget(
            name: "hookd",
            dependencies: [
                "HookdCore", "HookdServer", "HookdSQLite", "LuaRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "hookd-bench",
            dependencies: ["LuaRuntime"],
            path: "Benchmarks/LuaRunBench",
            exclude: ["passage-fetch-resources.lua"]
        ),
        .executableTarget(
            name: "hookd-runpath-bench",
            dependencies: ["HookdCore", "HookdServer", "HookdSQLite", "LuaRuntime", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/RunPathBench"
        ),
        .testTarget(name: "LuaRuntimeTests", dependencies: ["LuaRuntime"]),
        .testTarget(name: "HookdCoreTests", dependencies: ["HookdCore", "LuaRuntime"], exclude: ["Auth/vectors.py"]),
        .testTarget(name: "HookdSQLiteTests", dependencies: [
            "HookdSQLite", "HookdCore", "LuaRuntime",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .testTarget(name: "HookdServerTests", dependencies: [
            "HookdServer", "HookdCore", "HookdSQLite",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        // Runs the built hookd binary (make test builds it first).
        .testTarget(name: "EndToEndTests", dependencies: [
            "HookdCore", "HookdSQLite",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], exclude: ["Support/mock_downstream.py", "Golden"]),
    ]
)
