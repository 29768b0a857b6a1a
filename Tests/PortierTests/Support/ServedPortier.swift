import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import Vapor
@testable import Portier

/// A configured, migrated Portier serving on an ephemeral loopback port, and an HTTP client:
/// for the rules that only hold — or only break — over a real socket (bodies arriving in several
/// reads, many requests at once, forwarded headers).
struct ServedPortier {
    let context: TestContext
    let port: Int
    let client: HTTPClient

    var app: Application { context.app }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)" + path }

    /// Sends one request; redirects are not followed.
    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: String? = nil, contentType: String = "application/x-www-form-urlencoded") async throws -> SocketResponse {
        var request = HTTPClientRequest(url: url(path))
        request.method = method
        request.headers = headers
        if let body {
            request.headers.replaceOrAdd(name: .contentType, value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return SocketResponse(status: response.status, headers: response.headers, body: String(buffer: bytes))
    }
}

struct SocketResponse: Sendable {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: String

    /// The `name=value` of every `Set-Cookie`.
    var setCookies: [String: String] {
        var cookies: [String: String] = [:]
        for header in headers[.setCookie] {
            guard let pair = header.split(separator: ";").first, let equals = pair.firstIndex(of: "=") else { continue }
            cookies[String(pair[..<equals]).trimmingCharacters(in: .whitespaces)] = String(pair[pair.index(after: equals)...])
        }
        return cookies
    }
}

/// Runs `test` against a Portier listening on 127.0.0.1 (port chosen by the system). `prepare`
/// runs before the server starts (its responder is made then): a test's own routes go there.
func withServedPortier(
    _ adjust: (inout PortierConfiguration) -> Void = { _ in },
    prepare: (Application) -> Void = { _ in },
    _ test: (ServedPortier) async throws -> Void
) async throws {
    try await withPortierApp(adjust) { context in
        prepare(context.app)
        try await context.app.server.start(address: .hostname("127.0.0.1", port: 0))
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // An attacker opens as many connections as it likes (the default pool holds 8 per host).
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(60))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let port = try #require(context.app.http.server.shared.localAddress?.port)
            try await test(ServedPortier(context: context, port: port, client: client))
        } catch {
            try? await client.shutdown()
            await context.app.server.shutdown()
            throw error
        }
        try await client.shutdown()
        await context.app.server.shutdown()
    }
}

/// A browser over the real socket: keeps its cookies, reads the CSRF token of the last page, and
/// can pose as a client behind the proxy (`forwardedFor`).
final class SocketBrowser: @unchecked Sendable {
    let served: ServedPortier
    var cookies: [String: String] = [:]
    var forwardedFor: String?
    private(set) var lastBody = ""

    init(_ served: ServedPortier, forwardedFor: String? = nil) {
        self.served = served
        self.forwardedFor = forwardedFor
    }

    var csrfToken: String? {
        guard let range = lastBody.range(of: #"name="csrf_token" value=""#) else { return nil }
        let rest = lastBody[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: .userAgent, value: "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
        if !cookies.isEmpty {
            headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let forwardedFor { headers.add(name: .xForwardedFor, value: forwardedFor) }
        return headers
    }

    @discardableResult
    func get(_ path: String) async throws -> SocketResponse {
        try keep(await served.send(.GET, path, headers: headers))
    }

    /// Posts `fields` form-encoded, with the CSRF token of the last page.
    @discardableResult
    func post(_ path: String, _ fields: [String: String]) async throws -> SocketResponse {
        try keep(await served.send(.POST, path, headers: headers, body: formBody(fields)))
    }

    /// The encoded body `post` would send, for callers that send it many times at once.
    func formBody(_ fields: [String: String]) -> String {
        var fields = fields
        if fields["csrf_token"] == nil, let token = csrfToken { fields["csrf_token"] = token }
        return fields.map { "\($0.key.formEncoded)=\($0.value.formEncoded)" }.joined(separator: "&")
    }

    /// Posts `object` as JSON (as the passkey script does), with the CSRF token of the last page.
    @discardableResult
    func postJSON(_ path: String, _ object: [String: Any]) async throws -> SocketResponse {
        try keep(await served.send(.POST, path, headers: headers, body: jsonBody(object), contentType: "application/json"))
    }

    /// The JSON body `postJSON` would send, for callers that send it many times at once.
    func jsonBody(_ object: [String: Any]) throws -> String {
        var object = object
        if object["csrf_token"] == nil, let token = csrfToken { object["csrf_token"] = token }
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @discardableResult
    func logIn(email: String, password: String) async throws -> SocketResponse {
        try await get("/logga-in")
        return try await post("/logga-in", ["email": email, "password": password])
    }

    private func keep(_ response: SocketResponse) -> SocketResponse {
        for (name, value) in response.setCookies {
            cookies[name] = value.isEmpty ? nil : value
        }
        if response.headers.first(name: .contentType)?.hasPrefix("text/html") == true {
            lastBody = response.body
        }
        return response
    }
}
