import Vapor

enum SecurityError: AbortError {
    case csrfRejected

    var status: HTTPResponseStatus {
        switch self {
        case .csrfRejected: .forbidden
        }
    }

    var reason: String {
        switch self {
        case .csrfRejected: "error.csrf"
        }
    }
}
