import Fluent
import Foundation
import Testing
import Vapor
@testable import Portier

/// The chat over real sockets: the upgrade's checks, both sides talking, limits and escaping.
@Suite("Chat: WebSocket")
struct ChatSocketTests {
    /// A visitor's browser that has started a chat (the chat cookie set).
    static func visitor(_ served: ServedPortier, name: String = "Vera Besökare") async throws -> SocketBrowser {
        let browser = SocketBrowser(served)
        try await browser.get(SitePath.login.path)
        let started = try await browser.post(SitePath.chat.path, ["name": name, "email": "vera@example.org"])
        #expect(started.status == .created)
        #expect(browser.cookies["portier_chat"] != nil)
        return browser
    }

    /// Cookies of a support staff member's session.
    static func staffCookies(_ served: ServedPortier, available: Bool = true) async throws -> (StaffMember, [String: String]) {
        let staff = try await Fixtures.staffMember(served.app, role: .support)
        let token = "staff-" + UUID().uuidString
        try await AuthSession(
            tokenHash: TokenDigest.sha256Hex(token), subject: .staff, customerID: nil, staffID: try staff.requireID(),
            strength: .secondFactor, isSecondFactorPending: false, now: served.context.clock.now(), ipAddress: nil, userAgent: nil
        ).create(on: served.app.db)
        if available { try await ChatFixtures.service(served.context).setAvailable(true, staffID: try staff.requireID()) }
        return (staff, ["portier_staff_session": token])
    }

    @Test("The upgrade refuses another Origin, a missing one, and a browser without a chat")
    func originRefusal() async throws {
        try await withServedPortier { served in
            let browser = try await Self.visitor(served)
            for origin in ["http://evil.example", "http://127.0.0.1:8081", "https://127.0.0.1:8080", "null"] {
                await #expect(throws: (any Error).self) {
                    _ = try await ChatSocketClient.connect(served, cookies: browser.cookies, origin: origin)
                }
            }
            var headers = browser.headers
            headers.add(name: .origin, value: "http://evil.example")
            let plain = try await served.send(.GET, SitePath.chatSocket.path, headers: headers)
            #expect(plain.status == .forbidden)
            let noOrigin = try await served.send(.GET, SitePath.chatSocket.path, headers: browser.headers)
            #expect(noOrigin.status == .forbidden)
            #expect(try await AuditEvent.query(on: served.app.db).filter(\.$kind == AuditEvent.Kind.chatSocketRefused.rawValue).count() >= 5)

            // Without the chat cookie there is no chat to open.
            await #expect(throws: (any Error).self) {
                _ = try await ChatSocketClient.connect(served, cookies: [:])
            }
            // The right origin and the cookie: the socket opens and says where the chat stands.
            let socket = try await ChatSocketClient.connect(served, cookies: browser.cookies)
            let state = try await socket.next("state")
            #expect(state.status == "waiting")
            #expect(state.open == false)
            try await socket.close()
        }
    }

    @Test("A visitor and a support staff member talk both ways; text arrives as text; a reconnect resumes")
    func conversation() async throws {
        try await withServedPortier { served in
            let (_, staffCookies) = try await Self.staffCookies(served)
            let browser = try await Self.visitor(served, name: "<b>Vera</b>")
            let visitor = try await ChatSocketClient.connect(served, cookies: browser.cookies)
            let opening = try await visitor.next("state")
            #expect(opening.open == true)
            #expect(opening.offerTicketAfter == 120)

            let staff = try await ChatSocketClient.connect(served, cookies: staffCookies, query: "?roll=personal")
            let queue = try await staff.next("queue") { $0.waiting?.count == 1 }
            let entry = try #require(queue.waiting?.first)
            #expect(entry.name == "<b>Vera</b>")
            let chatID = entry.chat

            let hostile = #"<script>alert("x")</script> & <img src=x onerror=alert(1)>"#
            try await visitor.send(["type": "say", "text": hostile])
            let echoed = try await visitor.next("message") { $0.author == "client" }
            #expect(echoed.text == hostile)

            try await staff.send(["type": "accept", "chat": chatID])
            let accepted = try await visitor.next("message") { $0.author == "system" }
            #expect(accepted.text == "Sam Support har tagit chatten.")
            // The staff member gets the conversation so far on accepting, text as typed.
            let seen = try await staff.next("message") { $0.author == "client" }
            #expect(seen.text == hostile)
            _ = try await visitor.next("state") { $0.status == "active" }

            try await staff.send(["type": "say", "chat": chatID, "text": "Hej Vera! Vad kan jag hjälpa till med?"])
            let answer = try await visitor.next("message") { $0.author == "staff" }
            #expect(answer.name == "Sam Support")
            #expect(answer.text == "Hej Vera! Vad kan jag hjälpa till med?")
            let lastID = try #require(answer.id)

            try await visitor.send(["type": "say", "text": "Min sajt är nere"])
            let question = try await staff.next("message") { $0.text == "Min sajt är nere" }
            #expect(question.chat?.lowercased() == chatID.lowercased())

            // A reload: the new socket resumes after the last message it has.
            try await visitor.close()
            let reloaded = try await ChatSocketClient.connect(served, cookies: browser.cookies, query: "?after=\(lastID)")
            _ = try await reloaded.next("state")
            let resumed = try await reloaded.next("message")
            #expect(resumed.text == "Min sajt är nere")

            // The staff member ends the chat; the visitor has the transcript mailed.
            try await staff.send(["type": "end", "chat": chatID])
            _ = try await reloaded.next("state") { $0.status == "ended" }
            try await reloaded.send(["type": "transcript"])
            let notice = try await reloaded.next("transcript")
            #expect(notice.text?.contains("vera@example.org") == true)
            let mails = try await OutboxReader.mails(served.app, to: "vera@example.org")
            #expect(mails.count == 1)
            #expect(mails.first?.textBody.contains("Sam Support: Hej Vera!") == true)
            try await reloaded.close()
            try await staff.close()
        }
    }

    @Test("Limits: 4,000 characters, 10 messages per 10 s, and a few sockets per client")
    func limits() async throws {
        try await withServedPortier { served in
            let browser = try await Self.visitor(served)
            let visitor = try await ChatSocketClient.connect(served, cookies: browser.cookies)
            _ = try await visitor.next("state")
            try await visitor.send(["type": "say", "text": String(repeating: "x", count: 4_001)])
            let tooLong = try await visitor.next("error")
            #expect(tooLong.code == "too_long")
            #expect(tooLong.text?.contains("4000") == true)

            for index in 0..<10 { try await visitor.send(["type": "say", "text": "Meddelande \(index)"]) }
            try await visitor.send(["type": "say", "text": "Ett för mycket"])
            let limited = try await visitor.next("error")
            #expect(limited.code == "rate_limited")
            #expect(try await ChatMessage.query(on: served.app.db).count() == 10)

            try await visitor.send(["type": "say"])
            let empty = try await visitor.next("error")
            #expect(empty.code == "empty")
            try await visitor.socket.send("not json")
            let bad = try await visitor.next("error")
            #expect(bad.code == "bad_frame")

            var more = [visitor]
            for _ in 1..<ChatSocketLimiter.maximumPerClient {
                more.append(try await ChatSocketClient.connect(served, cookies: browser.cookies))
            }
            await #expect(throws: (any Error).self) {
                _ = try await ChatSocketClient.connect(served, cookies: browser.cookies)
            }
            // A closed socket frees its place.
            try await more.removeLast().close()
            try await Task.sleep(for: .milliseconds(200))
            more.append(try await ChatSocketClient.connect(served, cookies: browser.cookies))
            for socket in more { try await socket.close() }
        }
    }

    @Test("A visitor's start needs a name and an e-mail; the answer is localized")
    func startValidation() async throws {
        try await withServedPortier { served in
            let browser = SocketBrowser(served)
            try await browser.get(SitePath.login.path)
            let refused = try await browser.post(SitePath.chat.path, ["name": "", "email": "vera@example.org"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains("Skriv ditt namn"))
            let badEmail = try await browser.post(SitePath.chat.path, ["name": "Vera", "email": "inte en adress"])
            #expect(badEmail.status == .unprocessableEntity)
            #expect(badEmail.body.contains("\"field\":\"email\""))
            #expect(browser.cookies["portier_chat"] == nil)
            #expect(try await Chat.query(on: served.app.db).count() == 0)
            let noToken = try await served.send(.POST, SitePath.chat.path, headers: browser.headers, body: "name=Vera&email=vera%40example.org")
            #expect(noToken.status == .forbidden)
        }
    }
}
