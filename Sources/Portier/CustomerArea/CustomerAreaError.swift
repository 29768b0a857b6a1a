import Vapor

/// What can go wrong in Kundavdelningen. Form problems carry the catalog key of the message the
/// customer sees next to the field; everything the customer may not see is ``notFound``.
enum CustomerAreaError: Error, Equatable {
    /// Another customer's (or a made-up) service, invoice or ticket: always 404, never data.
    case notFound

    // Contact details
    case nameMissing
    case nameTooLong
    case textTooLong
    case controlCharacters
    case identityNumberInvalid
    case streetMissing
    case postalCodeInvalid
    case cityMissing
    case countryUnknown
    case phoneInvalid

    // E-mail and password changes
    case emailInvalid
    case emailUnchanged
    case emailTaken
    case currentPasswordMissing
    case currentPasswordWrong
    case currentPasswordThrottled(minutes: Int)
    case passwordRejected([PasswordPolicy.Problem])

    // Tickets
    case departmentInvalid
    case subjectMissing
    case subjectTooLong
    case messageMissing
    case messageTooLong
    case ticketNotFound(String)
    /// ``TicketDesk/ticketsPerHour`` reached; a new one is possible in `minutes`.
    case ticketLimitReached(minutes: Int)
    /// ``TicketDesk/customerMessagesPerHour`` reached; the next message is possible in `minutes`.
    case messageLimitReached(minutes: Int)

    // Invoices
    case invoiceWithoutLines

    /// The catalog key of the message shown to the customer.
    var catalogKey: String {
        switch self {
        case .notFound, .ticketNotFound: "error.404"
        case .nameMissing: "area.error.name_missing"
        case .nameTooLong: "area.error.name_too_long"
        case .textTooLong: "area.error.text_too_long"
        case .controlCharacters: "area.error.control_characters"
        case .identityNumberInvalid: "area.error.identity_number_invalid"
        case .streetMissing: "area.error.street_missing"
        case .postalCodeInvalid: "area.error.postal_code_invalid"
        case .cityMissing: "area.error.city_missing"
        case .countryUnknown: "area.error.country_unknown"
        case .phoneInvalid: "area.error.phone_invalid"
        case .emailInvalid: "area.error.email_invalid"
        case .emailUnchanged: "area.error.email_unchanged"
        case .emailTaken: "area.error.email_taken"
        case .currentPasswordMissing: "area.error.current_password_missing"
        case .currentPasswordWrong: "area.error.current_password_wrong"
        case .currentPasswordThrottled: "area.error.current_password_throttled"
        case .passwordRejected: "area.error.password_rejected"
        case .departmentInvalid: "area.error.department_invalid"
        case .subjectMissing: "area.error.subject_missing"
        case .subjectTooLong: "area.error.subject_too_long"
        case .messageMissing: "area.error.message_missing"
        case .messageTooLong: "area.error.message_too_long"
        case .ticketLimitReached: "area.error.ticket_limit"
        case .messageLimitReached: "area.error.message_limit"
        case .invoiceWithoutLines: "error.500"
        }
    }

    /// The message in the request's language.
    func message(for request: Request) -> String {
        switch self {
        case .currentPasswordThrottled(let minutes), .ticketLimitReached(let minutes), .messageLimitReached(let minutes):
            request.localized(catalogKey, String(minutes))
        case .passwordRejected(let problems):
            problems.map { request.localized($0.rawValue) }.joined(separator: " ")
        default:
            request.localized(catalogKey)
        }
    }
}

/// Rendered by `ErrorPageMiddleware` with `catalogKey` and `message(for:)` when a handler lets it
/// through (an unknown id: 404; a limit: 429).
extension CustomerAreaError: LocalizedFailure {
    var status: HTTPResponseStatus {
        switch self {
        case .notFound, .ticketNotFound: .notFound
        case .invoiceWithoutLines: .internalServerError
        case .currentPasswordThrottled, .ticketLimitReached, .messageLimitReached: .tooManyRequests
        default: .unprocessableEntity
        }
    }
}

extension CustomerAreaError: CustomStringConvertible {
    /// For logs and operator commands.
    var description: String {
        switch self {
        case .ticketNotFound(let reference): "No ticket has the number or id \(reference)"
        default: catalogKey
        }
    }
}

extension Optional {
    /// The value, or a 404 for the customer area.
    func orNotFound() throws -> Wrapped {
        guard let self else { throw CustomerAreaError.notFound }
        return self
    }
}
