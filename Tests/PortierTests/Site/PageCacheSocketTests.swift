import Foundation
import NIOHTTP1
import Testing
import Vapor
@testable import Portier

/// The page cache's two per-visitor rules as visitors meet them: over a real socket, many
/// requests at once, cookies that only look like a session's, long Swedish input.
@Suite("Page cache over a real socket, many visitors at once")
struct PageCacheSocketTests {
    /// Sends every request at once and returns each answer with the tag it was sent with.
    private func atOnce<Tag: Sendable>(
        _ served: ServedPortier, _ requests: [(tag: Tag, path: String, headers: HTTPHeaders)]
    ) async throws -> [(tag: Tag, response: SocketResponse)] {
        try await withThrowingTaskGroup(of: (tag: Tag, response: SocketResponse).self) { group in
            for request in requests {
                group.addTask { (request.tag, try await served.send(.GET, request.path, headers: request.headers)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("48 requests at once on a guide and a 1,000-character Swedish search: the customer always gets their own page, visitors (also with look-alike cookies) never do")
    func customersAndVisitorsAtOnce() async throws {
        try await withServedPortier { served in
            try await served.context.importGuides(try GuideFolder.sample())
            try await Fixtures.customer(served.app)
            let customer = SocketBrowser(served)
            try await customer.logIn(email: "kund@example.se", password: Fixtures.password)
            #expect(customer.cookies["portier_session"] != nil)

            let words = String(repeating: "lösenord för kundavdelningen på svenska ", count: 25)   // 1,000 characters
            let paths = [PageCacheTests.guidePath, "/hjalp/sok?q=" + words.formEncoded]
            // Visitors: no cookie, the session cookie's name inside a value, inside a longer name.
            let visitorCookies = [nil, "x=portier_session; portier_lang=sv", "my_portier_session=1; portier_staff_sessionx=2"]
            var requests: [(tag: Bool, path: String, headers: HTTPHeaders)] = []
            for index in 0..<48 {
                let isCustomer = index % 2 == 0
                var headers = isCustomer ? customer.headers : HTTPHeaders()
                if !isCustomer, let cookie = visitorCookies[(index / 2) % visitorCookies.count] {
                    headers.add(name: .cookie, value: cookie)
                }
                requests.append((isCustomer, paths[(index / 2) % paths.count], headers))
            }

            let answers = try await atOnce(served, requests)

            #expect(answers.count == 48)
            for (isCustomer, response) in answers {
                #expect(response.status == .ok)
                if isCustomer {
                    #expect(response.body.contains(PageCacheTests.loggedInMarker))
                    #expect(response.headers.first(name: .cacheControl) == "no-store")
                    #expect(response.headers.first(name: .eTag) == nil)
                } else {
                    #expect(!response.body.contains(PageCacheTests.loggedInMarker))
                    #expect(response.headers.first(name: .eTag) != nil)
                }
            }
        }
    }

    @Test("30 first visits to the login page at once, while it is kept: each page carries the token of the cookie its visitor got, no two alike")
    func tokenHoleAtOnce() async throws {
        try await withServedPortier { served in
            let first = try await served.send(.GET, "/logga-in")
            #expect(first.status == .ok)
            #expect(served.app.pageCache.count == 1)

            let answers = try await atOnce(served, (0..<30).map { (tag: $0, path: "/logga-in", headers: HTTPHeaders()) })

            var tokens = Set<String>()
            for (_, response) in answers {
                #expect(response.status == .ok)
                let token = try #require(response.setCookies["portier_csrf"])
                #expect(response.body.contains(#"name="csrf_token" value="\#(token)""#))
                tokens.insert(token)
            }
            #expect(tokens.count == 30)
        }
    }
}
