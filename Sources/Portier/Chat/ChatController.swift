import Fluent
import Vapor

/// The chat's HTTP side: `GET /chatt` (is it open, is there a chat to resume), `POST /chatt`
/// (start one: a visitor gives a name and e-mail, a logged-in customer is known) and the socket
/// at `/chatt/ws`, for clients and — with `?roll=personal` — the support staff.
struct ChatController: RouteCollection {
    static let maximumFrameSize = 32 * 1024
    static let pingSeconds: Int64 = 30
    /// New chats per client address: each one is a row, an audit event and a message to every
    /// staff socket, so it is reserved before any of that (like logins).
    static let startsPerAddress = ThrottlePolicy(freeFailures: 10, window: 60 * 60, baseDelay: 60, maxDelay: 15 * 60)

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SitePath.chat.pathComponents, use: status)
        // The chat card sits on pages shared caches keep (guides, Kontakt), which carry no CSRF
        // token: starting a chat is checked by origin instead, like a guide's vote.
        routes.post(SitePath.chat.pathComponents, use: start).acceptsSameOriginWithoutToken()
        routes.get(SitePath.chatSocket.pathComponents, use: socket)
    }

    struct StatusBody: Content {
        let open: Bool
        let hours: String
        /// A chat this browser can resume.
        let chat: UUID?
        let needsContact: Bool
    }

    @Sendable
    func status(request: Request) async throws -> Response {
        let service = request.chatService
        let availability = try await service.availability()
        let chat = try await request.clientChat()
        let body = StatusBody(
            open: availability.isOpen,
            hours: LayoutContext(request: request, titleKey: "chat.title").supportHours,
            chat: chat.flatMap { $0.isFinished ? nil : $0.id },
            needsContact: !request.auth.has(AuthenticatedCustomer.self)
        )
        let response = try await body.encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    struct StartForm: Content {
        var name: String?
        var email: String?
    }

    struct StartProblem: Content {
        let field: String
        let error: String
    }

    @Sendable
    func start(request: Request) async throws -> Response {
        let throttleKey = "chat-start:ip:" + request.clientThrottleKey
        if case .refused(let retryAfter) = try await Throttle(database: request.db).reserve(throttleKey, policy: Self.startsPerAddress, now: request.portier.clock.now()) {
            let minutes = String(max(1, Int((retryAfter / 60).rounded(.up))))
            let response = try await StartProblem(field: "", error: request.localized("chat.error.too_many_starts", minutes)).encodeResponse(status: .tooManyRequests, for: request)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(Int(retryAfter.rounded(.up))))
            return response
        }
        let form = (try? request.content.decode(StartForm.self)) ?? StartForm()
        let client: ChatService.Client
        if let customer = request.auth.get(AuthenticatedCustomer.self)?.customer {
            client = .customer(customer)
        } else {
            client = .visitor(name: form.name ?? "", email: form.email ?? "")
        }
        let outcome = try await request.chatService.start(client, language: request.language)
        switch outcome {
        case .started(let chat, let token, let availability):
            request.application.chatHub.publish(ChatEvent(chatID: try chat.requireID(), staffID: nil, kind: .changed))
            let response = try await StatusBody(
                open: availability.isOpen, hours: LayoutContext(request: request, titleKey: "chat.title").supportHours,
                chat: chat.id, needsContact: false
            ).encodeResponse(status: .created, for: request)
            if let token {
                let names = CookieNames(request)
                response.cookies[names.chat] = names.makeCookie(value: token, maxAge: Int(ChatService.visitorTokenLifetime))
            }
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        case .nameMissing:
            return try await StartProblem(field: "name", error: request.localized("chat.error.name_missing")).encodeResponse(status: .unprocessableEntity, for: request)
        case .nameTooLong:
            return try await StartProblem(field: "name", error: request.localized("chat.error.name_too_long")).encodeResponse(status: .unprocessableEntity, for: request)
        case .emailInvalid:
            return try await StartProblem(field: "email", error: request.localized("chat.error.email_invalid")).encodeResponse(status: .unprocessableEntity, for: request)
        }
    }

    /// The upgrade: the `Origin` must be the base URL's, the client must hold a chat (session
    /// or chat cookie) or be a support staff member, and the client address may hold only so many
    /// sockets at once.
    @Sendable
    func socket(request: Request) async throws -> Response {
        guard Self.isAllowedOrigin(request.headers.first(name: .origin), baseURL: request.portier.configuration.baseURL) else {
            try await request.audit(.chatSocketRefused, details: "origin " + String((request.headers.first(name: .origin) ?? "none").prefix(200)))
            throw Abort(.forbidden)
        }
        let role: ChatSocketSession.Role
        if request.query[String.self, at: "roll"] == "personal" {
            guard let staff = request.auth.get(AuthenticatedStaff.self)?.staff, staff.role.permits(.support) else {
                request.logger.notice("chat socket refused: not support staff")
                throw Abort(.forbidden)
            }
            role = .staff(staff)
        } else {
            guard let chat = try await request.clientChat() else {
                request.logger.notice("chat socket refused: no chat")
                throw Abort(.forbidden)
            }
            role = .client(try chat.requireID())
        }
        // The client as the throttles count it: behind a trusted proxy the forwarded address,
        // an IPv6 client by its /64.
        let clientKey = request.clientThrottleKey
        let limiter = request.application.chatSocketLimiter
        guard limiter.claim(clientKey) else {
            try await request.audit(.chatSocketRefused, details: "too many sockets")
            throw Abort(.tooManyRequests)
        }
        let after = request.query[Int.self, at: "after"]
        let session = ChatSocketSession(
            application: request.application, role: role, language: request.language,
            origin: .init(ipAddress: request.clientIP, userAgent: request.headers.first(name: .userAgent))
        )
        return request.webSocket(maxFrameSize: .init(integerLiteral: Self.maximumFrameSize), onUpgrade: { _, socket in
            socket.onClose.whenComplete { _ in limiter.release(clientKey) }
            // A peer that vanished without closing (no FIN, no close frame) misses a pong and
            // the socket closes, freeing its place. Set on the socket's event loop: WebSocketKit
            // sends the first ping and only then marks a pong as awaited, so from this task's
            // thread a quick pong could land in between and the socket would close after one
            // interval although its peer answered (bench/chat-sockets: 2–4 of 1,000 idle sockets).
            socket.eventLoop.execute { socket.pingInterval = .seconds(Self.pingSeconds) }
            await session.run(on: socket, after: after)
        })
    }

    /// The `Origin` header names the base URL's scheme, host and port exactly.
    static func isAllowedOrigin(_ origin: String?, baseURL: URL) -> Bool {
        guard let origin, let url = URL(string: origin), let scheme = url.scheme, let host = url.host,
              url.path.isEmpty || url.path == "/" else { return false }
        let defaultPort: (String?) -> Int? = { $0 == "https" ? 443 : $0 == "http" ? 80 : nil }
        return scheme.lowercased() == baseURL.scheme?.lowercased()
            && host.lowercased() == baseURL.host?.lowercased()
            && (url.port ?? defaultPort(scheme)) == (baseURL.port ?? defaultPort(baseURL.scheme))
    }
}

extension Request {
    var chatService: ChatService {
        ChatService(database: db, services: portier, catalogs: application.catalogs,
                    origin: .init(ipAddress: clientIP, userAgent: headers.first(name: .userAgent)))
    }

    /// This browser's chat: the logged-in customer's latest, or the visitor's (chat cookie).
    func clientChat() async throws -> Chat? {
        if let customer = auth.get(AuthenticatedCustomer.self)?.customer {
            return try await chatService.latestChat(customerID: try customer.requireID())
        }
        guard let token = cookie(CookieNames(self).chat) else { return nil }
        return try await chatService.chat(visitorToken: token)
    }
}
