import Foundation
import Vapor

struct GuideLink: Encodable {
    let title: String
    let url: String
    let summary: String
}

struct CategoryLink: Encodable {
    let title: String
    let description: String
    let url: String
    let guideCount: Int
}

struct Breadcrumb: Encodable {
    let title: String
    let url: String?
}

struct HelpStartContext: PageContext {
    var layout: LayoutContext
    let categories: [CategoryLink]
    let popular: [GuideLink]
}

struct HelpCategoryContext: PageContext {
    var layout: LayoutContext
    let breadcrumbs: [Breadcrumb]
    let category: CategoryLink
    let guides: [GuideLink]
}

struct GuidePageContext: PageContext {
    var layout: LayoutContext
    let breadcrumbs: [Breadcrumb]
    let title: String
    let bodyHTML: String
    let updatedOn: String
    let feedbackURL: String
    let related: [GuideLink]
    /// `ja` or `nej` right after a vote, so the page can thank and ask what was missing.
    let feedback: String?
    let translationURL: String?
    /// The language of the translation, which names itself in the link ("In English").
    let translationLanguage: String
    let guideLanguage: String
}

struct SearchResult: Encodable {
    let title: String
    let url: String
    let category: String
    /// Escaped text with `<mark>` around the matches; safe to output unescaped.
    let snippetHTML: String
}

/// "Menade du …?": a query that finds something, for one that found nothing.
struct SearchProposal: Encodable {
    let query: String
    let url: String
}

struct HelpSearchContext: PageContext {
    var layout: LayoutContext
    let query: String
    let results: [SearchResult]
    let hasSearched: Bool
    var proposal: SearchProposal? = nil
}

/// A guide proposed while the visitor types (`SitePath.helpSuggestions`).
struct SearchSuggestion: Content, Equatable {
    let title: String
    let url: String
    let category: String
}

/// The JSON answer of `SitePath.helpSuggestions`: `{"query": …, "results": [{title, url, category}]}`.
struct SearchSuggestions: Content {
    let query: String
    let results: [SearchSuggestion]
}

struct GuideFeedbackForm: Decodable {
    var helpful: String
    var comment: String?
}
