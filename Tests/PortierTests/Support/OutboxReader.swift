import Fluent
import Foundation
import Vapor
@testable import Portier

/// Reads queued mail back for assertions, and the reset link out of it.
enum OutboxReader {
    static func mails(_ app: Application, to email: String? = nil) async throws -> [OutgoingMail] {
        var query = OutboxMessage.query(on: app.db).sort(\.$createdAt)
        if let email { query = query.filter(\.$recipient == email) }
        return try await query.all().map { try $0.decodedMail() }
    }

    /// The path (`/aterstall-losenord/<token>`) of the newest reset link sent to `email`.
    static func resetPath(_ app: Application, to email: String) async throws -> String? {
        guard let mail = try await mails(app, to: email).last(where: { $0.textBody.contains("/aterstall-losenord/") }),
              let range = mail.textBody.range(of: #"http://[^\s]+/aterstall-losenord/[A-Za-z0-9_-]+"#, options: .regularExpression),
              let url = URL(string: String(mail.textBody[range])) else {
            return nil
        }
        return url.path
    }
}
