import Fluent
import Foundation
import Vapor
@testable import Portier

enum ChatFixtures {
    static func service(_ context: TestContext) -> ChatService {
        ChatService(database: context.app.db, services: context.app.portier, catalogs: context.app.catalogs,
                    origin: .init(ipAddress: "192.0.2.7", userAgent: "ChatTests"))
    }

    /// A support staff member with the chat switch on.
    static func availableSupport(_ context: TestContext, email: String = "support@portier.example", name: String = "Sam Support") async throws -> StaffMember {
        let staff = try await Fixtures.staffMember(context.app, role: .support, email: email, name: name)
        try await service(context).setAvailable(true, staffID: try staff.requireID())
        return staff
    }

    /// A visitor's chat that has started.
    static func visitorChat(_ context: TestContext, name: String = "Vera Besökare", email: String = "vera@example.org") async throws -> (Chat, token: String) {
        guard case .started(let chat, let token?, _) = try await service(context).start(.visitor(name: name, email: email), language: .swedish) else {
            throw Abort(.internalServerError, reason: "the visitor's chat did not start")
        }
        return (chat, token)
    }

    static func writer(_ staff: StaffMember) throws -> ChatService.Writer {
        .staff(id: try staff.requireID(), name: staff.name)
    }
}
