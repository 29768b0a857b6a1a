import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting
@testable import Portier

/// Requests run on their own event loop (`EventLoopMiddleware`, `EventLoopTaskExecutor`): a
/// handler behind Portier's middleware resumes there after every kind of `await` it makes, over
/// a real socket and with many requests at once. A control shows the check tells the difference.
@Suite("Requests on their event loop")
struct EventLoopMiddlewareTests {
    /// Where the handler found itself: at its start, after a query, after a sleep, in a child task,
    /// after a call into a shared actor, after a future of the loop.
    @Sendable
    static func probe(request: Request) async throws -> String {
        var places = [request.eventLoop.inEventLoop]
        _ = try await Customer.query(on: request.db).count()
        places.append(request.eventLoop.inEventLoop)
        try await Task.sleep(for: .milliseconds(2))
        places.append(request.eventLoop.inEventLoop)
        async let child = request.eventLoop.inEventLoop
        places.append(await child)
        await Tally.shared.count()
        places.append(request.eventLoop.inEventLoop)
        _ = try await request.eventLoop.submit { 1 }.get()
        places.append(request.eventLoop.inEventLoop)
        return places.map { $0 ? "loop" : "pool" }.joined(separator: " ")
    }

    @Test("Behind Portier's middleware, a handler and its awaits run on the request's event loop (40 at once over a socket)")
    func portierHandlersStayOnTheirLoop() async throws {
        try await withServedPortier(prepare: { $0.get("probe", use: Self.probe) }) { served in
            let answers = try await withThrowingTaskGroup(of: SocketResponse.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await served.send(.GET, "/probe") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count == 40)
            for answer in answers {
                #expect(answer.status == .ok)
                #expect(answer.body == "loop loop loop loop loop loop")
            }
        }
    }

    @Test("Control: behind a plain AsyncMiddleware the same handler resumes on the global executor")
    func plainAsyncMiddlewareLeavesTheLoop() async throws {
        try await withPortierApp { context in
            context.app.grouped(PlainAsyncMiddleware()).get("control", use: Self.probe)
            // Only the first entry (before any await) may find the loop, and on the global
            // executor it does not: a Task of its own.
            try await context.app.testing(method: .running(port: 0)).test(.GET, "/control") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.hasSuffix("pool pool pool pool pool"))
            }
        }
    }

    @Test("A middleware's own code runs on the loop before and after the rest of the chain")
    func middlewareRunsOnTheLoop() async throws {
        try await withPortierApp { context in
            context.app.grouped(LoopReporter()).get("reported") { request async throws -> String in
                _ = try await Customer.query(on: request.db).count()
                return "handler"
            }
            try await context.app.testing().test(.GET, "/reported") { response in
                #expect(response.status == .ok)
                #expect(response.headers.first(name: "X-Loop") == "loop loop")
                #expect(response.body.string == "handler")
            }
        }
    }
}

/// A default actor shared by every request: it runs wherever it is drained, and the caller comes
/// back to its own loop afterwards.
private actor Tally {
    static let shared = Tally()
    private var calls = 0

    func count() {
        calls += 1
    }
}

private struct PlainAsyncMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await next.respond(to: request)
    }
}

private struct LoopReporter: EventLoopMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let before = request.eventLoop.inEventLoop
        let response = try await next.respond(to: request)
        let after = request.eventLoop.inEventLoop
        response.headers.replaceOrAdd(name: "X-Loop", value: [before, after].map { $0 ? "loop" : "pool" }.joined(separator: " "))
        return response
    }
}
