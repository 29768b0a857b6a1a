import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
@testable import Portier

/// One frame the chat socket sent, as the page reads it.
struct ReceivedFrame: Decodable, Sendable {
    struct Entry: Decodable, Sendable {
        let chat: String
        let name: String
        let email: String
    }

    let type: String
    var status: String?
    var open: Bool?
    var offerTicketAfter: Int?
    var chat: String?
    var id: Int?
    var author: String?
    var name: String?
    var text: String?
    var code: String?
    var waiting: [Entry]?
}

/// A chat socket over the real network, as a browser would open it: cookies and `Origin` from
/// the test, every received frame kept.
final class ChatSocketClient: Sendable {
    let socket: WebSocket
    private let frames = NIOLockedValueBox<[ReceivedFrame]>([])
    private let read = NIOLockedValueBox(0)

    private init(socket: WebSocket) {
        self.socket = socket
    }

    static func connect(_ served: ServedPortier, cookies: [String: String], origin: String? = nil, query: String = "") async throws -> ChatSocketClient {
        var headers = HTTPHeaders()
        headers.add(name: .origin, value: origin ?? "http://127.0.0.1:8080")
        headers.add(name: .userAgent, value: "ChatSocketTests")
        if !cookies.isEmpty {
            headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let box = NIOLockedValueBox<ChatSocketClient?>(nil)
        let query = query.hasPrefix("?") ? String(query.dropFirst()) : nil
        try await WebSocket.connect(
            scheme: "ws", host: "127.0.0.1", port: served.port, path: SitePath.chatSocket.path, query: query,
            headers: headers, on: MultiThreadedEventLoopGroup.singleton
        ) { socket in
            let client = ChatSocketClient(socket: socket)
            socket.onText { _, text in
                guard let frame = try? JSONDecoder().decode(ReceivedFrame.self, from: Data(text.utf8)) else { return }
                client.frames.withLockedValue { $0.append(frame) }
            }
            box.withLockedValue { $0 = client }
        }.get()
        for _ in 0..<500 where box.withLockedValue({ $0 == nil }) { try await Task.sleep(for: .milliseconds(10)) }
        return try #require(box.withLockedValue { $0 })
    }

    /// Sends one frame.
    func send(_ object: [String: String]) async throws {
        let data = try JSONSerialization.data(withJSONObject: object)
        try await socket.send(String(decoding: data, as: UTF8.self))
    }

    /// The next unread frame of `type` (skipping others), waiting up to five seconds.
    func next(_ type: String, where condition: (ReceivedFrame) -> Bool = { _ in true }) async throws -> ReceivedFrame {
        for _ in 0..<500 {
            let all = frames.withLockedValue { $0 }
            var index = read.withLockedValue { $0 }
            var found: ReceivedFrame?
            while index < all.count {
                let frame = all[index]
                index += 1
                if frame.type == type, condition(frame) { found = frame; break }
            }
            read.withLockedValue { $0 = index }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("no \(type) frame arrived; got \(frames.withLockedValue { $0.map(\.type) })")
        throw Abort(.requestTimeout)
    }

    func close() async throws {
        try await socket.close()
    }
}
