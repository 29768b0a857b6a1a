import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// Sets up the application in a fixed order: configuration → databases → migrations →
/// security services → middleware → views → mail → jobs → commands → routes.
/// Tests pass `services` (test configuration, clock, randomness); the binary reads the environment.
public func configure(_ app: Application, services: PortierServices? = nil) async throws {
    // Configuration
    let services = try services ?? PortierServices(
        configuration: .load(from: ProcessInfo.processInfo.environment, environment: app.environment)
    )
    app.portier = services
    let configuration = services.configuration
    // Resources and Public files beside the program, not wherever the shell happened to be.
    let resources = try ResourceLocation.resolve(configured: configuration.resourcesDirectory, workingDirectory: app.directory.workingDirectory)
    app.directory.resourcesDirectory = resources.resourcesDirectory
    app.directory.viewsDirectory = resources.resourcesDirectory + "Views/"
    app.directory.publicDirectory = resources.publicDirectory
    // No metrics backend is bootstrapped, so Vapor's per-request timers and counters would be
    // built only to be dropped (bench/guide-vs-static). Turn on together with a backend.
    app.http.server.configuration.reportMetrics = false

    // Databases. Query logging is off (trace only on PostgreSQL): queries carry mail payloads
    // with links.
    switch configuration.database {
    case .sqlite(let path):
        app.databases.use(.sqlite(.file(path), sqlLogLevel: nil), as: .sqlite)
    case .sqliteInMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: nil), as: .sqlite)
    case .postgres(let url):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath = configuration.postgresSearchPath {
            postgres.searchPath = searchPath
        }
        app.databases.use(.postgres(configuration: postgres, sqlLogLevel: .trace), as: .psql)
    }

    // Migrations
    app.migrations.add(PortierMigrations.all)

    // Security services
    let hashingPool = NIOThreadPool(numberOfThreads: System.coreCount)
    hashingPool.start()
    lowerPriority(of: hashingPool, threadCount: System.coreCount)
    app.lifecycle.use(ThreadPoolLifecycle(pool: hashingPool))
    app.passwordHasher = ScryptPasswordHasher(parameters: configuration.passwordHashParameters, pool: hashingPool, random: services.random)
    app.passwordPolicy = try PasswordPolicy.load(from: app.directory.resourcesDirectory + "Security/common-passwords.txt")
    app.catalogs = try Catalogs.load(from: app.directory.resourcesDirectory + "Localization/")

    // Middleware, outermost first
    app.middleware = Middlewares()
    app.middleware.use(RequestLoggingMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(configuration: configuration))
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(PublicFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    let cookieNames = CookieNames(isSecure: configuration.usesSecureCookies)
    app.middleware.use(SessionAuthenticator(cookieNames: cookieNames))
    app.middleware.use(CSRFMiddleware(cookieNames: cookieNames))
    // Inner error pages see the session and the CSRF token; the outer one catches the rest.
    app.middleware.use(ErrorPageMiddleware())

    // Views
    app.views.use(.leaf)
    app.leaf.tags["t"] = LocalizeTag()
    app.leaf.cache.isEnabled = app.environment.isRelease

    // Mail
    try configureMail(app)

    // Help center
    configureHelpCenter(app)
    app.loginPageCache = LoginPageCache(isEnabled: app.environment != .development)

    // Jobs
    if configuration.runsBackgroundWorkers {
        app.mail.startWorker()
        app.lifecycle.use(DataRetentionLifecycle())
    }

    // Commands
    app.asyncCommands.use(CustomersCommand(), as: "customers")
    app.asyncCommands.use(OutboxCommand(), as: "outbox")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(TicketsCommand(), as: "tickets")
    app.asyncCommands.use(GuidesCommand(), as: "guides")
    app.asyncCommands.use(BenchHashCommand(), as: "bench-hash")

    // Routes
    try routes(app)

    // `serve` (also the default command) migrates, and seeds a development database; tests
    // migrate their own databases.
    if app.environment != .testing, app.runsServeCommand {
        try await app.autoMigrate()
        let guides = try await importGuides(app)
        app.logger.notice("\(guides)")
        if !configuration.isProduction {
            try await DemoSeeder(app: app).seedIfEmpty()
        }
    }
}

/// Password hashing runs below everything else (nice 10, Linux: per thread): during a login storm
/// scrypt then takes the CPU that pages leave idle instead of delaying them (bench/login-storm),
/// and with nothing else to do it still gets every core (bench/login-throughput). Each of the
/// pool's threads lowers its own priority: one job per thread, each held until all have run
/// (with a time limit, so a slow start can never keep the pool blocked).
private func lowerPriority(of pool: NIOThreadPool, threadCount: Int) {
    #if os(Linux)
    let started = NIOLockedValueBox(0)
    let arrived = NIOConcurrencyHelpers.ConditionLock(value: 0)
    for _ in 0..<threadCount {
        pool.submit { _ in
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            let index = started.withLockedValue { count in
                count += 1
                return count
            }
            if arrived.lock(whenValue: index - 1, timeoutSeconds: 5) {
                arrived.unlock(withValue: index)
            }
            if arrived.lock(whenValue: threadCount, timeoutSeconds: 5) {
                arrived.unlock()
            }
        }
    }
    #endif
}

/// Shuts the password-hashing pool down with the application.
private struct ThreadPoolLifecycle: LifecycleHandler {
    let pool: NIOThreadPool

    func shutdownAsync(_ application: Application) async {
        try? await pool.shutdownGracefully()
    }
}

/// Vapor's `FileMiddleware`, asked only for paths that matched no route and start with a
/// top-level name of `Public/` (`css/`, `js/`, `images/`, `favicon.svg`; listed once at
/// start-up). `FileMiddleware` itself looks every path up in the file system on a thread pool,
/// which cost every page a round trip (bench/guide-vs-static). Vapor resolves the route before
/// the middleware runs, so a page never pays for decoding its path here. A new top-level name
/// in `Public/` is served after a restart.
private struct PublicFilesMiddleware: Middleware {
    let files: FileMiddleware
    let topLevelNames: Set<String>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
        topLevelNames = Set((try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? [])
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.route == nil else {
            return next.respond(to: request)
        }
        let firstComponent = request.url.path.utf8.dropFirst().prefix { $0 != UInt8(ascii: "/") }
        guard let name = String(firstComponent), topLevelNames.contains(name) else {
            return next.respond(to: request)
        }
        return files.respond(to: request, chainingTo: next)
    }
}
