import Foundation
import Hummingbird
import Registry

/// The silences the page offers.
enum PageSilence {
    /// How long, as the form's `for` sends it.
    static let durations = ["1h", "4h", "1d", "7d"]
}

/// What a signed-in admin can do from the pages: acknowledge a problem, silence a group (and everything below
/// it) or a worker, and deregister a worker after a confirmation page. Every form carries the session's CSRF
/// token; every answer is a page: back where the form was, with a notice, or a page saying why nothing was done.
struct PageActionRoutes<Context: AccessKeyContext> {
    let registry: WorkerRegistry
    let keys: KeyRing
    let renderer: PageRenderer

    func register(on router: RouterGroup<Context>) {
        router.post("/ui/problems/{id}/acknowledge", use: acknowledge)
        router.post("/ui/silences", use: silence)
        router.get("/ui/workers/{id}/deregister", use: confirmDeregister)
        router.post("/ui/workers/{id}/deregister", use: deregister)
    }

    /// Runs `act` for a signed-in admin whose form carries the session's token; otherwise answers the page
    /// that says why not: the sign-in form without a session, a refusal without the admin role or the token.
    private func asAdmin(
        _ request: Request, form: PageForm?, context: Context, _ act: (AccessKey, PageSession) async throws -> Response
    ) async throws -> Response {
        guard let session = context.sessions.session, let key = keys.key(signedIn: session) else {
            // Back to the form's page after signing in, not to the address it posts to.
            return form.map { SignInRoutes<Context>.redirect(to: "/sign-in?next=" + SignInRoutes<Context>.queryValue($0.next)) }
                ?? SignInRoutes<Context>.redirectToSignIn(from: request)
        }
        guard key.role == .admin else {
            return try renderer.refusal("The key '\(key.name)' has the \(key.role.rawValue) role; acting from the page needs admin.",
                                        viewer: Viewer.of(context, keys: keys))
        }
        if let form, !form.carries(token: session.csrfToken) {
            return try renderer.refusal("The form had expired, or did not come from this server's page: nothing was done.",
                                        viewer: Viewer.of(context, keys: keys))
        }
        return try await act(key, session)
    }

    @Sendable func acknowledge(_ request: Request, context: Context) async throws -> Response {
        let form = try await PageForm.read(request)
        return try await asAdmin(request, form: form, context: context) { key, session in
            let id = try ProblemRoutes<Context>.id(in: context)
            guard form.noteFits else { return try tooLongNote(context) }
            let notice: String
            if try await registry.acknowledge(problem: id, by: key.name, note: form.text("note")) != nil {
                notice = "Problem \(id) acknowledged."
            } else {
                notice = try await registry.problem(id: id) == nil ? "There is no problem \(id)." : "Problem \(id) was already resolved."
            }
            return done(notice, session: session, next: form.next, context: context)
        }
    }

    @Sendable func silence(_ request: Request, context: Context) async throws -> Response {
        let form = try await PageForm.read(request)
        return try await asAdmin(request, form: form, context: context) { key, session in
            let subject: Subject
            do {
                subject = try Subject(scope: form.text("scope") ?? "", name: form.text("subject") ?? "")
            } catch let error as EventValidationError {
                return try renderer.refusal("Nothing was silenced: \(error.field) \(error.message).", viewer: Viewer.of(context, keys: keys), status: .badRequest)
            }
            guard let span = form.text("for"), PageSilence.durations.contains(span), let seconds = DurationText.seconds(span) else {
                return try renderer.refusal("Nothing was silenced: for must be one of " + PageSilence.durations.joined(separator: ", ") + ".",
                                            viewer: Viewer.of(context, keys: keys), status: .badRequest)
            }
            guard form.noteFits else { return try tooLongNote(context) }
            _ = try await registry.silence(subject, until: registry.clock.now().addingTimeInterval(seconds), note: form.text("note"), author: key.name)
            return done("Silenced \(subject.scope) \(subject.name) for \(span).", session: session, next: form.next, context: context)
        }
    }

    /// The confirmation page of a deregistration.
    struct Confirmation: Sendable {
        let id: String
        let workerLink: String
        let action: String
        let viewer: Viewer?
    }

    @Sendable func confirmDeregister(_ request: Request, context: Context) async throws -> Response {
        try await asAdmin(request, form: nil, context: context) { _, _ in
            let id = try WorkerPath.id(in: context)
            guard try await registry.detail(ofWorker: id) != nil else {
                return try renderer.page("not-found", PageRoutes<Context>.NotFound(id: id), status: .notFound)
            }
            return try renderer.page(
                "confirm", Confirmation(id: id, workerLink: PageLinks.worker(id), action: PageLinks.worker(id) + "/deregister", viewer: Viewer.of(context, keys: keys)))
        }
    }

    @Sendable func deregister(_ request: Request, context: Context) async throws -> Response {
        let form = try await PageForm.read(request)
        return try await asAdmin(request, form: form, context: context) { _, session in
            let id = try WorkerPath.id(in: context)
            let removed = try await registry.removeWorker(id: id)
            return done(removed ? "Deregistered worker \(id), with its history." : "There was no worker \(id).", session: session, next: "/", context: context)
        }
    }

    private func tooLongNote(_ context: Context) throws -> Response {
        try renderer.refusal("Nothing was done: the note must be at most 1000 bytes.", viewer: Viewer.of(context, keys: keys), status: .badRequest)
    }

    /// Back to `next`, saying `notice` there once.
    private func done(_ notice: String, session: PageSession, next: String, context: Context) -> Response {
        var session = session
        session.notice = notice
        _ = context.sessions.updateSession(session)
        return SignInRoutes<Context>.redirect(to: next)
    }
}
