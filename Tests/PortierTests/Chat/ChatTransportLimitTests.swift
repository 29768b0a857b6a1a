import Fluent
import Foundation
import Testing
import Vapor
@testable import Portier

/// The chat's limits under concurrency and abrupt clients: the message limit holds for
/// concurrent sends, a killed socket gives back its place, and the per-address count follows
/// the forwarded client behind a trusted proxy.
@Suite("Chat: transport limits")
struct ChatTransportLimitTests {
    @Test("12 concurrent messages of one writer store 10; a staff member's limit spans their chats")
    func concurrentMessages() async throws {
        // 12, not more: enough to cross the limit of 10 at once, few enough that the queue for the
        // writer's lock (SQLite's write lock; on PostgreSQL the rate-lock row, all sends on one
        // pooled connection) stays inside the pool's wait while the whole suite runs beside it
        // (a clean-clone CI timed out with 16 on PostgreSQL).
        try await withPortierApp { context in
            let service = ChatFixtures.service(context)
            let (chat, _) = try await ChatFixtures.visitorChat(context)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        if case .posted = try await service.post("Meddelande \(index)", in: chat, by: .client) { return true }
                        return false
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == ChatService.messagesPerWindow)
            #expect(try await ChatMessage.query(on: context.app.db).filter(\.$chat.$id == chat.requireID()).count() == ChatService.messagesPerWindow)

            // A staff member answering two chats at once: one limit across both.
            let staff = try await ChatFixtures.availableSupport(context)
            let (other, _) = try await ChatFixtures.visitorChat(context, name: "Per", email: "per@example.org")
            for open in [chat, other] {
                guard case .accepted = try await service.accept(open, by: staff) else { Issue.record("not accepted"); return }
            }
            let writer = try ChatFixtures.writer(staff)
            let staffPosted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        if case .posted = try await service.post("Svar \(index)", in: index.isMultiple(of: 2) ? chat : other, by: writer) { return true }
                        return false
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(staffPosted == ChatService.messagesPerWindow)
            #expect(try await ChatMessage.query(on: context.app.db).filter(\.$author == .staff).count() == ChatService.messagesPerWindow)

            // The window passes: the writer may write again.
            context.clock.advance(by: ChatService.rateWindow + 1)
            guard case .posted = try await service.post("Efter pausen", in: chat, by: .client) else {
                Issue.record("refused after the window"); return
            }
        }
    }

    @Test("30 sends at once over three sockets of one chat store at most 10")
    func concurrentSocketSends() async throws {
        try await withServedPortier { served in
            let browser = try await ChatSocketTests.visitor(served)
            var sockets: [ChatSocketClient] = []
            for _ in 0..<3 {
                let socket = try await ChatSocketClient.connect(served, cookies: browser.cookies)
                _ = try await socket.next("state")
                sockets.append(socket)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (number, socket) in sockets.enumerated() {
                    group.addTask {
                        for index in 0..<10 { try await socket.send(["type": "say", "text": "Uttag \(number)-\(index)"]) }
                    }
                }
                try await group.waitForAll()
            }
            // Every socket gets every stored message: wait until one has seen ten, then a while
            // longer for anything that would overshoot.
            for _ in 0..<10 { _ = try await sockets[0].next("message") }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await ChatMessage.query(on: served.app.db).count() == ChatService.messagesPerWindow)
            for socket in sockets { try await socket.close() }
        }
    }

    @Test("Sockets killed without a close frame give their places back")
    func killedSocketsFreeTheirPlaces() async throws {
        try await withServedPortier { served in
            let browser = try await ChatSocketTests.visitor(served)
            var open: [RawChatSocket] = []
            for _ in 0..<ChatSocketLimiter.maximumPerClient {
                let socket = try await RawChatSocket.open(served, cookies: browser.cookies)
                #expect(socket.status == 101)
                open.append(socket)
            }
            let refused = try await RawChatSocket.open(served, cookies: browser.cookies)
            #expect(refused.status == 429)
            for socket in open { await socket.kill() }

            // Within a few seconds a new socket opens.
            let started = ContinuousClock.now
            var status = 0
            while ContinuousClock.now - started < .seconds(5) {
                let socket = try await RawChatSocket.open(served, cookies: browser.cookies)
                status = socket.status
                if status == 101 { await socket.kill(); break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status == 101)
            // All four places are free again.
            var again: [RawChatSocket] = []
            try await Task.sleep(for: .milliseconds(200))
            for _ in 0..<ChatSocketLimiter.maximumPerClient {
                again.append(try await RawChatSocket.open(served, cookies: browser.cookies))
            }
            #expect(again.map(\.status) == Array(repeating: 101, count: ChatSocketLimiter.maximumPerClient))
            for socket in again { await socket.kill() }
        }
    }

    @Test("Behind a trusted proxy the sockets count per forwarded client")
    func forwardedClients() async throws {
        try await withServedPortier({ $0.trustedProxies = TrustedProxies(networks: [IPNetwork("127.0.0.1")!]) }) { served in
            let browser = try await ChatSocketTests.visitor(served)
            var open: [RawChatSocket] = []
            for _ in 0..<ChatSocketLimiter.maximumPerClient {
                open.append(try await RawChatSocket.open(served, cookies: browser.cookies, forwardedFor: "203.0.113.5"))
            }
            #expect(open.map(\.status) == Array(repeating: 101, count: ChatSocketLimiter.maximumPerClient))
            let refused = try await RawChatSocket.open(served, cookies: browser.cookies, forwardedFor: "203.0.113.5")
            #expect(refused.status == 429)
            let event = try await AuditEvent.query(on: served.app.db)
                .filter(\.$kind == AuditEvent.Kind.chatSocketRefused.rawValue).first()
            #expect(event?.ipAddress == "203.0.113.5")
            // Another client behind the same proxy has places of its own.
            let other = try await RawChatSocket.open(served, cookies: browser.cookies, forwardedFor: "203.0.113.6")
            #expect(other.status == 101)
            // The proxy's own address is not the client: its connections are the forwarded ones.
            for socket in open + [other] { await socket.kill() }
        }
    }
}
