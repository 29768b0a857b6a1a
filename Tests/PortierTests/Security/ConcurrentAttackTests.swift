import Fluent
import Foundation
import NIOHTTP1
import Testing
import Vapor
@testable import Portier

/// The throttles as an attacker meets them: many requests at once over a real socket, one valid
/// CSRF pair reused, behind a proxy or not.
@Suite("Throttles hold under concurrency and behind a proxy")
struct ConcurrentAttackTests {
    /// The proxy in front is on loopback, where the test client connects from.
    static let loopbackProxy = TrustedProxies(networks: [IPNetwork("127.0.0.1")!])

    /// Sends `count` copies of one form post at once and returns the responses.
    private func concurrently(_ count: Int, _ browser: SocketBrowser, post path: String, _ fields: [String: String]) async throws -> [SocketResponse] {
        let body = browser.formBody(fields)
        let headers = browser.headers
        let served = browser.served
        return try await withThrowingTaskGroup(of: SocketResponse.self) { group in
            for _ in 0..<count {
                group.addTask { try await served.send(.POST, path, headers: headers, body: body) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    private func count(_ kind: AuditEvent.Kind, _ app: Application) async throws -> Int {
        try await AuditEvent.query(on: app.db).filter(\.$kind == kind.rawValue).count()
    }

    @Test("60 concurrent wrong passwords for one account: at most the allowance is checked, the rest get 429")
    func concurrentWrongPasswords() async throws {
        try await withServedPortier { served in
            try await Fixtures.customer(served.app)
            let attacker = SocketBrowser(served)
            try await attacker.get("/logga-in")

            let responses = try await concurrently(60, attacker, post: "/logga-in", ["email": "kund@example.se", "password": "gissning nummer ett"])

            let allowance = ThrottlePolicy.loginPerAccount.freeFailures
            let refused = responses.filter { $0.status == .tooManyRequests }
            #expect(responses.filter { $0.status == .unauthorized }.count <= allowance)
            #expect(refused.count >= 60 - allowance)
            #expect(responses.allSatisfy { [.unauthorized, .tooManyRequests].contains($0.status) })
            #expect(refused.allSatisfy { $0.headers.first(name: .retryAfter).flatMap(Int.init).map { $0 > 0 } == true })
            #expect(refused.allSatisfy { $0.body.contains("För många misslyckade inloggningsförsök") })
            #expect(try await count(.loginFailed, served.app) <= allowance)
        }
    }

    @Test("30 chats started at once from one address, with a 100-character Swedish name: at most the allowance starts, the rest get 429")
    func concurrentChatStarts() async throws {
        try await withServedPortier { served in
            let visitor = SocketBrowser(served)
            try await visitor.get("/logga-in")   // a page with the visitor's CSRF token, as the chat script reads it
            let name = "Åsa Öberg-Ärlén " + String(repeating: "å", count: 84)   // 100 characters, the most a name may have

            let responses = try await concurrently(30, visitor, post: "/chatt", ["name": name, "email": "asa@example.se"])

            let allowance = ChatController.startsPerAddress.freeFailures
            let started = responses.filter { $0.status == .created }
            let refused = responses.filter { $0.status == .tooManyRequests }
            #expect(started.count <= allowance && started.count >= 1)
            #expect(started.count + refused.count == 30)
            #expect(refused.allSatisfy { $0.headers.first(name: .retryAfter).flatMap(Int.init).map { $0 > 0 } == true })
            #expect(refused.allSatisfy { $0.body.contains("Du har startat många chattar") })
            let chats = try await Chat.query(on: served.app.db).all()
            #expect(chats.count == started.count)
            #expect(chats.allSatisfy { $0.clientName == name })
        }
    }

    @Test("10 concurrent reset requests for one address send one mail")
    func concurrentResetRequests() async throws {
        try await withServedPortier { served in
            try await Fixtures.customer(served.app)
            let browser = SocketBrowser(served)
            try await browser.get("/glomt-losenord")

            let responses = try await concurrently(10, browser, post: "/glomt-losenord", ["email": "kund@example.se"])

            #expect(try await OutboxReader.mails(served.app, to: "kund@example.se").count == 1)
            #expect(responses.filter { $0.status == .tooManyRequests }.count == 9)
        }
    }

    @Test("20 concurrent wrong current passwords in Kontaktuppgifter: at most the allowance is checked")
    func concurrentCurrentPasswords() async throws {
        try await withServedPortier { served in
            try await Fixtures.customer(served.app)
            let customer = SocketBrowser(served)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)
            try await customer.get("/kundavdelning/kontaktuppgifter")

            let responses = try await concurrently(20, customer, post: "/kundavdelning/kontaktuppgifter/e-post", ["new_email": "ny@example.se", "current_password": "inte mitt lösenord"])

            let allowance = AccountSettings.currentPasswordPolicy.freeFailures
            #expect(try await count(.currentPasswordRejected, served.app) <= allowance)
            #expect(responses.filter { $0.status == .tooManyRequests }.count >= 20 - allowance)
        }
    }

    @Test("Behind a trusted proxy each client has its own allowance; an untrusted peer's X-Forwarded-For changes nothing")
    func trustedProxy() async throws {
        for isProxyTrusted in [true, false] {
            try await withServedPortier({
                if isProxyTrusted { $0.trustedProxies = Self.loopbackProxy }
                // Every guess must reach the password check: none may be turned away as overload.
                $0.maxPendingHashes = 64
            }) { served in
                try await Fixtures.customer(served.app, email: "bertil@example.se")
                let clientA = SocketBrowser(served, forwardedFor: "203.0.113.5")
                try await clientA.get("/logga-in")
                // Client A guesses at 60 different accounts: the per-address allowance (50) runs out.
                for round in 0..<6 {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for index in 0..<10 {
                            let body = clientA.formBody(["email": "okand\(round * 10 + index)@example.se", "password": "gissning"])
                            let headers = clientA.headers
                            group.addTask { _ = try await served.send(.POST, "/logga-in", headers: headers, body: body) }
                        }
                        try await group.waitForAll()
                    }
                }

                let clientB = SocketBrowser(served, forwardedFor: "198.51.100.7")
                let response = try await clientB.logIn(email: "bertil@example.se", password: Fixtures.password)

                #expect(response.status == (isProxyTrusted ? .seeOther : .tooManyRequests), "trusted: \(isProxyTrusted)")
                let addresses = try await AuditEvent.query(on: served.app.db).filter(\.$kind == AuditEvent.Kind.loginFailed.rawValue).all().compactMap(\.ipAddress)
                #expect(Set(addresses) == [isProxyTrusted ? "203.0.113.5" : "127.0.0.1"])
            }
        }
    }

    @Test("A device that logged in before still gets in after 60 failures elsewhere; unknown devices get 429")
    func deviceCookie() async throws {
        try await withServedPortier({ $0.trustedProxies = Self.loopbackProxy }) { served in
            try await Fixtures.customer(served.app)
            let owner = SocketBrowser(served, forwardedFor: "192.0.2.10")
            #expect(try await owner.logIn(email: "kund@example.se", password: Fixtures.password).status == .seeOther)
            #expect(owner.cookies["portier_device"] != nil)
            try await owner.post("/logga-ut", [:])

            for index in 0..<60 {
                let attacker = SocketBrowser(served, forwardedFor: "203.0.113.\(index + 1)")
                _ = try await attacker.logIn(email: "kund@example.se", password: "gissning \(index)")
            }

            let stranger = SocketBrowser(served, forwardedFor: "198.51.100.20")
            #expect(try await stranger.logIn(email: "kund@example.se", password: Fixtures.password).status == .tooManyRequests)
            #expect(try await owner.logIn(email: "kund@example.se", password: Fixtures.password).status == .seeOther)
        }
    }

    @Test("Beyond PORTIER_MAX_PENDING_HASHES (and no place freed within the wait) a login is answered 503 with Retry-After and a localized page")
    func boundedHashingQueue() async throws {
        try await withServedPortier({
            $0.maxPendingHashes = 1
            $0.hashQueueWait = .zero
            $0.passwordHashParameters = ScryptParameters(logRounds: 15, blockSize: 8, parallelism: 1)
        }) { served in
            let browser = SocketBrowser(served)
            try await browser.get("/logga-in")
            let headers = browser.headers
            let responses = try await withThrowingTaskGroup(of: SocketResponse.self) { group in
                for index in 0..<12 {
                    let body = browser.formBody(["email": "person\(index)@example.se", "password": "ett lösenord"])
                    group.addTask { try await served.send(.POST, "/logga-in", headers: headers, body: body) }
                }
                return try await group.reduce(into: [SocketResponse]()) { $0.append($1) }
            }

            let overloaded = responses.filter { $0.status == .serviceUnavailable }
            #expect(!overloaded.isEmpty)
            #expect(responses.allSatisfy { [.unauthorized, .serviceUnavailable].contains($0.status) })
            #expect(overloaded.allSatisfy { $0.headers.first(name: .retryAfter) == "5" && $0.body.contains("Många loggar in just nu") })
            // A refused check is not counted against anyone.
            let counters = try await ThrottleCounter.query(on: served.app.db).all()
            let evaluated = responses.filter { $0.status == .unauthorized }.count
            #expect(counters.first { $0.id == "login:ip:127.0.0.1" }?.failures == evaluated)
            #expect(counters.filter { $0.id?.hasPrefix("login:account:") == true && $0.failures > 0 }.count == evaluated)
        }
    }

    @Test("A burst a little beyond the queue waits for places and is answered, not refused")
    func burstWaitsForAPlace() async throws {
        try await withServedPortier({
            $0.maxPendingHashes = 1
            $0.hashQueueWait = .seconds(20)
        }) { served in
            let browser = SocketBrowser(served)
            try await browser.get("/logga-in")
            let headers = browser.headers
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<6 {
                    let body = browser.formBody(["email": "person\(index)@example.se", "password": "ett lösenord"])
                    group.addTask { try await served.send(.POST, "/logga-in", headers: headers, body: body).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }

            #expect(statuses == Array(repeating: .unauthorized, count: 6))
            let counters = try await ThrottleCounter.query(on: served.app.db).all()
            #expect(counters.first { $0.id == "login:ip:127.0.0.1" }?.failures == 6)
        }
    }
}
