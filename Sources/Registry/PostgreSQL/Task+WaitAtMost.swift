extension Task where Success == Void, Failure == Never {
    /// Waits for the task to finish, but no longer than `limit`: shutdown must not hang on a database
    /// that went away while a connection attempt was pending.
    func waitAtMost(_ limit: Duration) async {
        let (finished, finish) = AsyncStream<Void>.makeStream()
        Task<Void, Never> {
            await self.value
            finish.finish()
        }
        Task<Void, Never> {
            try? await Task<Never, Never>.sleep(for: limit)
            finish.finish()
        }
        for await _ in finished {}
    }
}
