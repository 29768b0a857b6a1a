import CoreMetrics
import Fluent
import Prometheus
import Vapor

/// Portier's own figures in Prometheus form, on a registry of the application's (`/metrics`).
/// Counters move where things happen (`LoginController`, `RecoveryController`, the outbox
/// worker); gauges that describe the database (queued and failed mail, the oldest queued mail's
/// age) and the hashing queue are read when scraped, so every instance reports the shared state.
/// Vapor's request counts and durations by route and status join the same registry when the
/// process bootstraps swift-metrics with it (`PortierMetrics.bootstrapProcess`, the binary only).
public final class PortierMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public enum LoginOutcome: String, CaseIterable, Sendable {
        case succeeded, failed, throttled, overloaded
        case secondFactorRequired = "second_factor_required"
        case loginDisabled = "login_disabled"
    }
    public enum ResetOutcome: String, CaseIterable, Sendable { case sent, unknownEmail = "unknown_email", throttled, loginDisabled = "login_disabled" }

    private let logins: [LoginOutcome: Prometheus.Counter]
    private let resets: [ResetOutcome: Prometheus.Counter]
    private let mailSent: Prometheus.Counter
    private let mailFailures: Prometheus.Counter
    private let mailQueued: Prometheus.Gauge
    private let mailFailed: Prometheus.Gauge
    private let oldestQueuedMailAge: Prometheus.Gauge
    private let hashingQueueLength: Prometheus.Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func name(_ metricName: String, unit: String, help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "portier", metricName: metricName, unitName: unit, helpText: help)
        }
        logins = Dictionary(uniqueKeysWithValues: LoginOutcome.allCases.map {
            ($0, registry.makeCounter(descriptor: name("logins", unit: "total", help: "Login attempts by outcome"), labels: [("outcome", $0.rawValue)]))
        })
        resets = Dictionary(uniqueKeysWithValues: ResetOutcome.allCases.map {
            ($0, registry.makeCounter(descriptor: name("reset_requests", unit: "total", help: "Password reset requests by outcome"), labels: [("outcome", $0.rawValue)]))
        })
        mailSent = registry.makeCounter(descriptor: name("outbox_sent", unit: "total", help: "Mails this instance delivered"))
        mailFailures = registry.makeCounter(descriptor: name("outbox_send_failures", unit: "total", help: "Failed delivery attempts of this instance"))
        mailQueued = registry.makeGauge(descriptor: name("outbox", unit: "queued", help: "Mails waiting to be sent (all instances)"))
        mailFailed = registry.makeGauge(descriptor: name("outbox", unit: "failed", help: "Mails given up on, waiting for an operator"))
        oldestQueuedMailAge = registry.makeGauge(descriptor: name("outbox_oldest_queued_age", unit: "seconds", help: "Age of the oldest mail waiting to be sent"))
        hashingQueueLength = registry.makeGauge(descriptor: name("password_hashing_queue", unit: "length", help: "Password checks waiting for or using a hashing thread"))
    }

    public func record(_ outcome: LoginOutcome) { logins[outcome]?.increment() }
    public func record(_ outcome: ResetOutcome) { resets[outcome]?.increment() }
    public func recordMailSent() { mailSent.increment() }
    public func recordMailFailure() { mailFailures.increment() }

    /// Reads the gauges that describe shared state, then the whole registry in text format.
    func scrape(_ app: Application, on database: any Database) async throws -> String {
        let now = app.portier.clock.now()
        mailQueued.set(Double(try await OutboxMessage.query(on: database).filter(\.$status ~~ [.queued, .sending]).count()))
        mailFailed.set(Double(try await OutboxMessage.query(on: database).filter(\.$status == .failed).count()))
        let oldest = try await OutboxMessage.query(on: database).filter(\.$status ~~ [.queued, .sending]).sort(\.$createdAt).first()
        oldestQueuedMailAge.set(oldest.map { max(0, now.timeIntervalSince($0.createdAt)) } ?? 0)
        if let hasher = app.passwordHasher as? ScryptPasswordHasher {
            hashingQueueLength.set(Double(hasher.pendingCount))
        }
        return registry.emitToString()
    }

    /// For the binary: swift-metrics (and with it Vapor's `http_requests_total`,
    /// `http_request_duration_seconds` and `http_request_errors_total`) reports into `registry`.
    public static func bootstrapProcess(with registry: PrometheusCollectorRegistry) {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = PortierMetrics }

    /// Set by `configure`.
    public var metrics: PortierMetrics {
        get {
            guard let metrics = storage[MetricsKey.self] else { fatalError("configure(_:) has not set app.metrics") }
            return metrics
        }
        set { storage[MetricsKey.self] = newValue }
    }

    /// For parts that also run without `configure` (the mail pipeline in its own tests).
    var metricsIfConfigured: PortierMetrics? { storage[MetricsKey.self] }
}
