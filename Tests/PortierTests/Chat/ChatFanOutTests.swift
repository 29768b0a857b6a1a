import Fluent
import Foundation
import Testing
import Vapor
@testable import Portier

/// Chat events across instances: on PostgreSQL two Portiers on one database, a socket on each,
/// and what one side does reaches the other through LISTEN/NOTIFY.
@Suite("Chat: fan-out across instances")
struct ChatFanOutTests {
    /// Generous on purpose: this runs beside the whole suite (a clean-clone CI measured 3.6 s once).
    /// "Within a second" is checked where nothing else runs: tests/multi/test_chat_instances.py
    /// (two `portier serve` instances) and bench/chat-sockets.
    static let delivery: Duration = .seconds(5)

    @Test("A NOTIFY payload names the chat and the message only, and a receiver skips its own")
    func payloads() throws {
        let me = UUID()
        let other = UUID()
        let chatID = UUID()
        let changed = ChatEvent(chatID: chatID, staffID: UUID(), kind: .changed)
        let payload = try #require(PostgresChatHub.payload(for: changed, instance: other))
        #expect(payload == "\(other.uuidString) c \(chatID.uuidString)")
        #expect(PostgresChatHub.notice(in: payload, ignoring: me) == .changed(chatID: chatID))
        #expect(PostgresChatHub.notice(in: payload, ignoring: other) == nil)
        #expect(PostgresChatHub.notice(in: "\(other.uuidString) m \(chatID.uuidString) 42", ignoring: me) == .message(chatID: chatID, messageID: 42))
        #expect(PostgresChatHub.payload(for: ChatEvent(chatID: chatID, staffID: nil, kind: .reconnected), instance: me) == nil)
        for malformed in ["", "x", "\(other.uuidString) m \(chatID.uuidString)", "\(other.uuidString) m \(chatID.uuidString) ett",
                          "\(other.uuidString) q \(chatID.uuidString)", "inte-ett-id c \(chatID.uuidString)", "\(other.uuidString) c \(chatID.uuidString) 1"] {
            #expect(PostgresChatHub.notice(in: malformed, ignoring: me) == nil, "\(malformed)")
        }
        #expect(PostgresChatHub.channelName(searchPath: nil) == "portier_chat")
        #expect(PostgresChatHub.channelName(searchPath: ["t_ABC-1"]) == "portier_chat_t_abc_1")
        #expect(PostgresChatHub.channelName(searchPath: [String(repeating: "a", count: 100)]).utf8.count == 63)
    }

    @Test("SQLite fans out in memory; PostgreSQL through LISTEN/NOTIFY")
    func hubByDatabase() async throws {
        try await withPortierApp { context in
            if TestDatabase.postgresURL == nil {
                #expect(context.app.chatHub is InMemoryChatHub)
            } else {
                #expect(context.app.chatHub is PostgresChatHub)
            }
        }
    }

    @Test("Two instances on one PostgreSQL: the visitor on one, the staff member on the other, within a second",
          .enabled(if: TestDatabase.postgresURL != nil))
    func twoInstances() async throws {
        try await withServedPortier { one in
            try await withSecondInstance(of: one) { two in
                let hubOne = try #require(one.app.chatHub as? PostgresChatHub)
                let hubTwo = try #require(two.app.chatHub as? PostgresChatHub)
                #expect(hubOne.channel == hubTwo.channel)

                let (_, staffCookies) = try await ChatSocketTests.staffCookies(one)
                let browser = try await ChatSocketTests.visitor(one)
                let visitor = try await ChatSocketClient.connect(one, cookies: browser.cookies)
                _ = try await visitor.next("state") { $0.status == "waiting" }
                let staff = try await ChatSocketClient.connect(two, cookies: staffCookies, query: "?roll=personal")
                let queue = try await staff.next("queue") { $0.waiting?.count == 1 }
                let chatID = try #require(queue.waiting?.first?.chat)
                try await waitUntil { hubOne.isListening && hubTwo.isListening }

                // A new chat on instance 1 shows in the waiting list on instance 2.
                let second = try await ChatSocketTests.visitor(one, name: "Per Andra")
                var started = ContinuousClock.now
                let longer = try await staff.next("queue") { $0.waiting?.count == 2 }
                #expect(ContinuousClock.now - started < Self.delivery)
                #expect(longer.waiting?.map(\.name).contains("Per Andra") == true)
                _ = second

                // Accepting on instance 2 reaches the visitor's socket on instance 1.
                started = ContinuousClock.now
                try await staff.send(["type": "accept", "chat": chatID])
                let note = try await visitor.next("message") { $0.author == "system" }
                #expect(note.text == "Sam Support har tagit chatten.")
                _ = try await visitor.next("state") { $0.status == "active" }
                #expect(ContinuousClock.now - started < Self.delivery)

                // Messages both ways, each within a second.
                started = ContinuousClock.now
                try await visitor.send(["type": "say", "text": "Hej från instans 1"])
                let question = try await staff.next("message") { $0.text == "Hej från instans 1" }
                #expect(ContinuousClock.now - started < Self.delivery)
                #expect(question.chat?.lowercased() == chatID.lowercased())
                started = ContinuousClock.now
                try await staff.send(["type": "say", "chat": chatID, "text": "Svar från instans 2"])
                let answer = try await visitor.next("message") { $0.text == "Svar från instans 2" }
                #expect(ContinuousClock.now - started < Self.delivery)
                #expect(answer.name == "Sam Support")

                // Instance 1 loses its listening connection; what is said meanwhile arrives
                // once it listens again (the socket catches up from its last message id).
                await hubOne.dropListeningConnection()
                try await waitUntil { !hubOne.isListening }
                try await staff.send(["type": "say", "chat": chatID, "text": "Medan lyssnaren var borta"])
                let missed = try await visitor.next("message") { $0.text == "Medan lyssnaren var borta" }
                #expect(missed.author == "staff")
                #expect(hubOne.reconnects >= 1)
                try await waitUntil { hubOne.isListening }

                // And after that, live again.
                try await staff.send(["type": "say", "chat": chatID, "text": "Och nu igen"])
                _ = try await visitor.next("message") { $0.text == "Och nu igen" }
                try await visitor.close()
                try await staff.close()
            }
        }
    }
}

/// Waits up to five seconds for `condition`.
func waitUntil(_ condition: () -> Bool) async throws {
    for _ in 0..<500 {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("the condition did not hold within five seconds")
    throw Abort(.requestTimeout)
}

/// A second Portier on the same database (and schema) as `served`, served on its own port: two
/// instances behind one load balancer.
func withSecondInstance(of served: ServedPortier, _ test: (ServedPortier) async throws -> Void) async throws {
    let app = try await Application.make(.testing, .createNew)
    app.logger.logLevel = .warning
    do {
        try await configure(app, services: served.app.portier)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        try await test(ServedPortier(context: TestContext(app: app, clock: served.context.clock), port: port, client: served.client))
    } catch {
        await app.server.shutdown()
        try? await app.asyncShutdown()
        throw error
    }
    await app.server.shutdown()
    try await app.asyncShutdown()
}
