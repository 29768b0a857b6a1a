import Leaf
import Vapor

/// `#t("key")` or `#t("key", argument, …)`: a catalog string in the request's language.
/// Its output is escaped by Leaf like any other value.
struct LocalizeTag: LeafTag {
    func render(_ context: LeafContext) throws -> LeafData {
        guard let key = context.parameters.first?.string else {
            throw LocalizeTagError.missingKey
        }
        let arguments = context.parameters.dropFirst().map { $0.string ?? "" }
        guard let request = context.request else {
            return .string(key)
        }
        return .string(request.application.catalogs.string(key, language: request.language, arguments: Array(arguments)))
    }
}

enum LocalizeTagError: Error {
    case missingKey
}
