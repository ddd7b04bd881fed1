import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the HTML pages from the Mustache templates shipped in the Web module's resources.
///
/// Templates escape every `{{value}}`, by code point (``CodePointHTMLContentType``). The one triple-brace value, the status page's `{{{tree}}}`, is
/// HTML written by `StatusPage.treeHTML`, which escapes every value a worker sent; so nothing a worker
/// sent can become markup. Pages carry a Content-Security-Policy that allows scripts, styles and images
/// from this server only, and no inline script.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    /// The policy every page is sent with.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    /// Loads the templates from the module's resource bundle.
    static func load() async throws -> PageRenderer {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw ConfigurationError(description: "the page templates are missing from the Web module's resources")
        }
        // Registered before the templates are parsed: their first line names it.
        MustacheContentTypes.register(CodePointHTMLContentType(), named: CodePointHTMLContentType.name)
        return PageRenderer(library: try await MustacheLibrary(directory: folder.path))
    }

    /// Renders `template` with `model` into an HTML response.
    func page(_ template: String, _ model: some Sendable, status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = library.render(model, withTemplate: template) else {
            throw ConfigurationError(description: "the page template '\(template)' is missing")
        }
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: Self.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
                .referrerPolicy: "same-origin",
                .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

extension PageRenderer {
    /// A page saying why an action was not done.
    struct Refusal: Sendable {
        let message: String
        let viewer: Viewer?
    }

    /// The page of a refused action (403 unless told).
    func refusal(_ message: String, viewer: Viewer?, status: HTTPResponse.Status = .forbidden) throws -> Response {
        try page("refused", Refusal(message: message, viewer: viewer), status: status)
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
}
