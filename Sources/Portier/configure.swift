import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import Prometheus
import NIOPosix
import Vapor

/// Sets up the application in a fixed order: configuration → databases → migrations →
/// security services → middleware → views → mail → jobs → commands → routes.
/// Tests pass `services` (test configuration, clock, randomness); the binary reads the environment.
/// The binary passes the process's Prometheus registry, into which swift-metrics reports (and
/// with it Vapor's request metrics); tests leave it out and get a registry per application.
public func configure(_ app: Application, services: PortierServices? = nil, metricsRegistry: PrometheusCollectorRegistry? = nil) async throws {
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
    // Vapor's per-request counters and timers only when a metrics backend takes them (the
    // binary); otherwise they would be built only to be dropped (bench/guide-vs-static).
    app.http.server.configuration.reportMetrics = metricsRegistry != nil
    app.metrics = PortierMetrics(registry: metricsRegistry ?? PrometheusCollectorRegistry())

    // Databases. Query logging is off (trace only on PostgreSQL): queries carry mail payloads
    // with links.
    // SQLite runs each statement on a thread of `app.threadPool`, and a statement that meets
    // another connection's write lock retries on its thread until the lock is free (sqlite-nio's
    // busy handler). The process-wide default pool has one thread per core, shared with every
    // other application in the process (tests run hundreds at once): a few waiting statements
    // could take every thread from the connection that holds the lock. Each application gets a
    // pool of its own with a thread more than it has connections (one per event loop).
    if case .postgres = configuration.database {} else {
        app.threadPool = NIOThreadPool(numberOfThreads: System.coreCount + 2)
    }
    switch configuration.database {
    case .sqlite(let path):
        // Writers queue for SQLite's one write lock; under a burst the last in line may wait
        // longer than Fluent's default 10 s for a pooled connection.
        app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(30), sqlLogLevel: nil), as: .sqlite)
    case .sqliteInMemory:
        app.databases.use(.sqlite(.memory, connectionPoolTimeout: .seconds(30), sqlLogLevel: nil), as: .sqlite)
    case .postgres(let url):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath = configuration.postgresSearchPath {
            postgres.searchPath = searchPath
        }
        // Writers of one row (a chat's rate lock, a throttle key) queue on it while holding their
        // pooled connection, so the rest of a burst waits for the pool: as long as on SQLite.
        app.databases.use(.postgres(configuration: postgres, connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace), as: .psql)
    }

    try await SQLiteBusyTimeout.applyToEveryConnection(of: app)

    // Migrations
    app.migrations.add(PortierMigrations.all)
    app.databases.middleware.use(CustomerSearchKeys())

    // Security services
    app.passwordHasher = PasswordHashingPool.start(
        app, parameters: configuration.passwordHashParameters,
        maxPending: configuration.maxPendingHashes, queueWait: configuration.hashQueueWait, random: services.random
    )
    app.serverSecret = try (configuration.secretKey ?? ServerSecret.loadOrCreateDevelopmentSecret(at: ServerSecret.developmentFile))
        .retiring(configuration.retiredSecretKeys)
    app.passwordPolicy = try PasswordPolicy.load(from: app.directory.resourcesDirectory + "Security/common-passwords.txt")
    app.catalogs = try Catalogs.load(from: app.directory.resourcesDirectory + "Localization/")

    // Forms may carry up to 10,000 characters of Swedish text (a ticket), form-encoded up to six
    // bytes a character; the CSRF check collects every form body up to this size.
    app.routes.defaultMaxBodySize = "128kb"

    // Middleware, outermost first. One error page for everything inside it (the session and
    // CSRF middleware included); all of them `EventLoopMiddleware` (an `AsyncMiddleware` that
    // runs, with the handler behind it, on the request's event loop) — pages `PageCache` keeps
    // are answered before any of them runs.
    let cookieNames = CookieNames(isSecure: configuration.usesSecureCookies)
    app.middleware = Middlewares()
    app.middleware.use(RequestLoggingMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(configuration: configuration))
    app.middleware.use(ErrorPageMiddleware(cookieNames: cookieNames))
    app.middleware.use(PublicFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(SessionAuthenticator(cookieNames: cookieNames))
    app.middleware.use(CSRFMiddleware(cookieNames: cookieNames))

    // Views
    app.views.use(.leaf)
    app.leaf.tags["t"] = LocalizeTag()
    app.leaf.cache.isEnabled = app.environment.isRelease

    // Mail
    try configureMail(app)

    // Help center
    configureHelpCenter(app)

    // Jobs
    if configuration.runsBackgroundWorkers {
        app.mail.startWorker(configuration: .init(leaseDuration: configuration.outboxLeaseDuration))
        app.lifecycle.use(DataRetentionLifecycle())
    }

    // Commands
    app.asyncCommands.use(CustomersCommand(), as: "customers")
    app.asyncCommands.use(StaffCommand(), as: "staff")
    app.asyncCommands.use(OutboxCommand(), as: "outbox")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(TicketsCommand(), as: "tickets")
    app.asyncCommands.use(GuidesCommand(), as: "guides")
    app.asyncCommands.use(SecretCommand(), as: "secret")
    app.asyncCommands.use(DKIMCommand(), as: "dkim")

    // Chat: SQLite serves one process, whose sockets are all in memory; on PostgreSQL several
    // instances may share the database and pass chat events through LISTEN/NOTIFY (ChatHub).
    switch configuration.database {
    case .postgres(let url):
        let hub = PostgresChatHub(
            databases: app.databases, connection: try SQLPostgresConfiguration(url: url).coreConfiguration,
            searchPath: configuration.postgresSearchPath, eventLoopGroup: app.eventLoopGroup, logger: app.logger
        )
        app.chatHub = hub
        app.lifecycle.use(PostgresChatHubLifecycle(hub: hub))
    case .sqlite, .sqliteInMemory:
        app.chatHub = InMemoryChatHub()
    }
    app.chatSocketLimiter = ChatSocketLimiter()

    // Routes
    try routes(app)

    // The page cache answers shared pages before the router (Site/PageCache.swift); not in
    // development, where templates change while the server runs.
    app.pageCache = PageCache()
    if app.environment != .development {
        app.responder.use { app in
            PageCacheResponder(cache: app.pageCache, next: app.responder.default, cookieNames: cookieNames)
        }
    }

    // `serve` (also the default command) migrates, and seeds a development database; tests
    // migrate their own databases.
    if app.environment != .testing, app.runsServeCommand {
        try await StartupLock.withLock(app) {
            try await app.autoMigrate()
            let guides = try await importGuides(app)
            app.logger.notice("\(guides)")
            if !configuration.isProduction {
                try await DemoSeeder(app: app).seedIfEmpty()
            }
        }
    }
}

/// Vapor's `FileMiddleware`, asked only for paths that matched no route and start with a
/// top-level name of `Public/` (`css/`, `js/`, `images/`, `favicon.svg`; listed once at
/// start-up). `FileMiddleware` itself looks every path up in the file system on a thread pool,
/// which cost every page a round trip (bench/guide-vs-static). Vapor resolves the route before
/// the middleware runs, so a page never pays for decoding its path here. A new top-level name
/// in `Public/` is served after a restart.
private struct PublicFilesMiddleware: EventLoopMiddleware {
    let files: FileMiddleware
    let topLevelNames: Set<String>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory)
        topLevelNames = Set((try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? [])
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.route == nil else {
            return try await next.respond(to: request)
        }
        let firstComponent = request.url.path.utf8.dropFirst().prefix { $0 != UInt8(ascii: "/") }
        guard let name = String(firstComponent), topLevelNames.contains(name) else {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}
