import Foundation
import NIOHTTP1
import ReferenceImplementations
import Testing
import Vapor
@testable import Portier

@Suite("Operations: /metrics")
struct MetricsTests {
    private struct Sample: Decodable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    private func parse(_ text: String) throws -> [Sample] {
        try PythonReference.runJSON("prometheus_parse.py", input: Data(text.utf8), as: [Sample].self)
    }

    private func value(_ samples: [Sample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    @Test("After logins and a reset request, prometheus_client parses the counters and gauges")
    func scrapedAfterLogin() async throws {
        try await withServedPortier { served in
            try await Fixtures.customer(served.app)
            let browser = SocketBrowser(served)
            try await browser.logIn(email: "kund@example.se", password: "fel lösenord helt enkelt")
            try await browser.logIn(email: "kund@example.se", password: Fixtures.password)
            let visitor = SocketBrowser(served)
            try await visitor.get("/glomt-losenord")
            try await visitor.post("/glomt-losenord", ["email": "kund@example.se"])

            let response = try await served.send(.GET, "/metrics")

            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(response.headers[.setCookie].isEmpty)
            let samples = try parse(response.body)
            #expect(value(samples, "portier_logins_total", ["outcome": "failed"]) == 1)
            #expect(value(samples, "portier_logins_total", ["outcome": "succeeded"]) == 1)
            #expect(value(samples, "portier_logins_total", ["outcome": "throttled"]) == 0)
            #expect(value(samples, "portier_reset_requests_total", ["outcome": "sent"]) == 1)
            #expect(value(samples, "portier_outbox_queued") == 1)
            #expect(value(samples, "portier_outbox_failed") == 0)
            #expect(value(samples, "portier_password_hashing_queue_length") == 0)
            #expect(value(samples, "portier_outbox_oldest_queued_age_seconds") != nil)
        }
    }

    @Test("Only loopback or the bearer token may read /metrics; a client behind the trusted proxy is not loopback")
    func access() async throws {
        try await withServedPortier({ $0.trustedProxies = TrustedProxies(networks: [IPNetwork("127.0.0.1")!]) }) { served in
            var forwarded = HTTPHeaders()
            forwarded.add(name: .xForwardedFor, value: "203.0.113.9")
            let throughProxy = try await served.send(.GET, "/metrics", headers: forwarded).status
            let fromLoopback = try await served.send(.GET, "/metrics").status
            #expect(throughProxy == .notFound)
            #expect(fromLoopback == .ok)
        }
        try await withServedPortier({ $0.metricsToken = "hemlig-skrapnyckel" }) { served in
            var wrong = HTTPHeaders(), right = HTTPHeaders()
            wrong.add(name: .authorization, value: "Bearer fel")
            right.add(name: .authorization, value: "Bearer hemlig-skrapnyckel")
            let withoutToken = try await served.send(.GET, "/metrics").status
            let wrongToken = try await served.send(.GET, "/metrics", headers: wrong).status
            let rightToken = try await served.send(.GET, "/metrics", headers: right).status
            #expect(withoutToken == .notFound)
            #expect(wrongToken == .notFound)
            #expect(rightToken == .ok)
        }
    }
}
