import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// Long queries over a real socket: the page answers with the query cut, never a dropped
/// connection.
@Suite("Help center: long search queries")
struct HelpSearchLengthTests {
    @Test("A very long query is cut to 200 characters and answered with a page", arguments: [1_000, 60_000])
    func longQuery(length: Int) async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            try await context.app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(context.app.http.server.shared.localAddress?.port)

            let response: String
            do {
                response = try await RawHTTP.get("/hjalp/sok?q=" + String(repeating: "a", count: length), port: port)
            } catch {
                // Vapor asserts that a started server was shut down: report the error, not a crash.
                await context.app.server.shutdown()
                throw error
            }
            await context.app.server.shutdown()
            #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(response.contains(#"value="\#(String(repeating: "a", count: HelpSearch.maximumQueryLength))""#))
            #expect(!response.contains(String(repeating: "a", count: HelpSearch.maximumQueryLength + 1)))
        }
    }
}

/// One HTTP/1.1 request over a fresh TCP connection; the whole answer as text.
enum RawHTTP {
    static func get(_ target: String, port: Int) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "GET \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
            var answer = ByteBuffer()
            for try await var part in inbound {
                answer.writeBuffer(&part)
            }
            return String(buffer: answer)
        }
    }
}
