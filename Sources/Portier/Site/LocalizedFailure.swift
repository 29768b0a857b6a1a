import Vapor

/// An error the visitor sees as a page of its own: a status, the catalog key of the message, and
/// any headers (`Retry-After`). `ErrorPageMiddleware` renders every such error in the layout.
protocol LocalizedFailure: Error {
    var status: HTTPResponseStatus { get }
    var catalogKey: String { get }
    var headers: HTTPHeaders { get }
    /// The message in the request's language (the catalog string, with any arguments).
    func message(for request: Request) -> String
}

extension LocalizedFailure {
    var headers: HTTPHeaders { [:] }

    func message(for request: Request) -> String {
        request.localized(catalogKey)
    }
}

extension PasswordHashingError: LocalizedFailure {
    var status: HTTPResponseStatus { .serviceUnavailable }
    var catalogKey: String { "error.overloaded" }
    var headers: HTTPHeaders { [HTTPHeaders.Name.retryAfter.description: String(Self.retryAfterSeconds)] }
}
