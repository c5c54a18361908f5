// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "bilag",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bilag", targets: ["bilag"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // libcurl (OpenSSL flavour) for the `http` case-system connector, driven through its multi interface.
        .systemLibrary(name: "CLibCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // The canonical invoice model, money, identifiers and typed errors: no I/O.
        .target(name: "BilagCore"),
        // Parsing: libxml2 reader, UBL and CII mapping into the canonical model.
        .target(name: "BilagFormats", dependencies: ["BilagCore", "CLibXML2"]),
        // Business rules per profile (EN 16931, PEPPOL BIS 3, EHF, OIOUBL).
        .target(name: "BilagValidation", dependencies: ["BilagCore"]),
        // The one SQLite setting made before the first connection opens (`sqlite3_config` is variadic: C only).
        .target(name: "CSQLiteConfig", linkerSettings: [.linkedLibrary("sqlite3")]),
        // Durable state: invoices, outcomes, events, journal entries (SQLite via GRDB).
        .target(name: "BilagStore", dependencies: [
            "BilagCore", "CSQLiteConfig", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // Inbox watching, readiness rules and the atomic claim.
        .target(name: "BilagIntake", dependencies: [
            "BilagCore", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The Outbox: its writers (the JSONL journal first), each file written whole with its manifest, exactly once.
        .target(name: "BilagOutbox", dependencies: [
            "BilagCore", "BilagStore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Yams", package: "Yams"),
        ]),
        // The robot expression language: lexer, parser, type checker, evaluator. Pure, no I/O.
        .target(name: "BilagRobotLanguage", dependencies: ["BilagCore"]),
        // Robot files: loader, tables, connectors, and the step runner.
        .target(name: "BilagRobots", dependencies: [
            "BilagCore", "BilagRobotLanguage", "CLibCurl",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The pipeline: intake → parse → validate → route → decide → book/queue.
        .target(name: "BilagEngine", dependencies: [
            "BilagCore", "BilagFormats", "BilagValidation", "BilagStore", "BilagIntake", "BilagOutbox", "BilagRobots", "BilagRobotLanguage",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // The long-running service: signals, systemd notify, reload.
        .target(name: "BilagDaemon", dependencies: [
            "BilagEngine", "BilagCore", "BilagOutbox", "BilagStore",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // `bilag bench`: a deterministic invoice generator and the end-to-end benchmark against the real binary.
        .target(name: "BilagBench", dependencies: [
            "BilagCore", "BilagEngine", "CLibXML2", "BilagFormats", "BilagValidation",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Linked with mimalloc, which takes the place of glibc's malloc for the whole process (`Allocator`).
        .executableTarget(name: "bilag", dependencies: [
            "BilagDaemon", "BilagEngine", "BilagFormats", "BilagValidation", "BilagStore", "BilagCore", "CLibXML2", "BilagBench", "BilagRobots", "BilagIntake",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], linkerSettings: [.linkedLibrary("mimalloc")]),
        // Builders for invoices, temporary roots and a handle on the built binary, for tests.
        .target(name: "BilagTestKit", dependencies: ["BilagCore", "BilagEngine", "BilagStore"]),
        .testTarget(name: "BilagTests", dependencies: [
            "BilagTestKit", "BilagCore", "BilagFormats", "BilagValidation", "BilagStore",
            "BilagIntake", "BilagOutbox", "BilagEngine", "BilagDaemon", "BilagRobots", "BilagRobotLanguage", "BilagBench",
            .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    ],
    // Swift 6 language mode, complete concurrency checking, for every target.
    swiftLanguageModes: [.v6]
)
