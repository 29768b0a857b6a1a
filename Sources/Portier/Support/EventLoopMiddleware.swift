import NIOCore
import Vapor

/// An `AsyncMiddleware` whose `respond(to:chainingTo:)` runs on its request's event loop
/// (`EventLoopTaskExecutor`), as does the route handler behind the innermost one of them: every
/// middleware Portier installs is one, so a page that awaits five queries costs no thread hop
/// (bench/login-storm's dashboard row in bench/results.md). Written and read exactly like an
/// `AsyncMiddleware`; only the adapter Vapor calls differs.
protocol EventLoopMiddleware: AsyncMiddleware {}

extension EventLoopMiddleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let promise = request.eventLoop.makePromise(of: Response.self)
        Task(executorPreference: EventLoopTaskExecutor(request.eventLoop)) {
            do {
                let rest: any AsyncResponder = NextResponder(next: next)
                promise.succeed(try await respond(to: request, chainingTo: rest))
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }
}

/// The rest of the chain as an `AsyncResponder`. An async route handler (Vapor wraps it in an
/// `AsyncResponder`) is awaited in the calling task, not in a `Task` of its own on the global
/// executor; another middleware is reached through its future, and starts its own task on the loop.
private struct NextResponder: AsyncResponder {
    let next: any Responder

    func respond(to request: Request) async throws -> Response {
        if let handler = next as? any AsyncResponder {
            return try await handler.respond(to: request)
        }
        return try await next.respond(to: request).get()
    }
}
