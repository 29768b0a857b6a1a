import Foundation
import NIOHTTP1
import Vapor
import VaporTesting
@testable import Portier

/// A minimal browser over the in-memory tester: keeps cookies, reads the CSRF token from the
/// last page, and posts forms the way a browser does.
final class TestBrowser: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    private(set) var lastBody = ""
    var userAgent = "PortierTests/1.0"
    /// Sent with every POST, as every current browser does (`Sec-Fetch-Site`); nil sends none.
    var fetchSite: String? = "same-origin"

    init(app: Application) {
        self.app = app
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil)
    }

    /// Posts `fields` as a form, adding the CSRF token from the last page unless one is given.
    @discardableResult
    func post(_ path: String, _ fields: [String: String], includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var fields = fields
        if includeCSRF, fields["csrf_token"] == nil, let token = csrfToken {
            fields["csrf_token"] = token
        }
        let encoded = fields.map { key, value in
            "\(key.formEncoded)=\(value.formEncoded)"
        }.joined(separator: "&")
        return try await send(.POST, path, body: encoded)
    }

    /// Posts `object` as JSON, the way Portier's scripts do (the CSRF token from the last page in
    /// `csrf_token`, unless one is given or `includeCSRF` is false). The page stays the last page.
    @discardableResult
    func postJSON(_ path: String, _ object: [String: Any], includeCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var object = object
        if includeCSRF, object["csrf_token"] == nil, let token = csrfToken {
            object["csrf_token"] = token
        }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return try await send(.POST, path, body: body, contentType: "application/json")
    }

    /// Logs in through the real form: GET for the token, then POST.
    @discardableResult
    func logIn(email: String, password: String, next: String? = nil) async throws -> TestingHTTPResponse {
        try await get("/logga-in")
        var fields = ["email": email, "password": password]
        if let next { fields["next"] = next }
        return try await post("/logga-in", fields)
    }

    var csrfToken: String? {
        guard let range = lastBody.range(of: #"name="csrf_token" value=""#) else { return nil }
        let rest = lastBody[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    func setCookie(_ name: String, _ value: String?) {
        cookies[name] = value
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?, contentType: String = "application/x-www-form-urlencoded") async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: .userAgent, value: userAgent)
        if !cookies.isEmpty {
            headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if body != nil {
            headers.add(name: .contentType, value: contentType)
            if let fetchSite { headers.add(name: "Sec-Fetch-Site", value: fetchSite) }
        }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for (name, cookie) in response.headers.setCookie?.all ?? [:] {
            if cookie.string.isEmpty || cookie.maxAge == 0 {
                cookies[name] = nil
            } else {
                cookies[name] = cookie.string
            }
        }
        if response.headers.contentType != .json {
            lastBody = response.body.string
        }
        return response
    }
}

extension String {
    var formEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
