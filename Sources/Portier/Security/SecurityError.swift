import Vapor

enum SecurityError: LocalizedFailure {
    case csrfRejected

    var status: HTTPResponseStatus {
        switch self {
        case .csrfRejected: .forbidden
        }
    }

    var catalogKey: String {
        switch self {
        case .csrfRejected: "error.csrf"
        }
    }
}
