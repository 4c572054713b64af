/**
 * Group commit: the writes of concurrent requests go to the database together, one transaction for
 * many, instead of a transaction each. A write waits for the end of the current turn of the event
 * loop, or while the batch before it is being committed — an idle system writes at once, a busy one
 * in ever larger batches — so it adds next to no delay of its own, and the database does a fraction
 * of the round trips (README.md beside this file, "Hot path"). When a batch fails, each of its
 * writes is tried alone, so one bad write fails only its own request.
 */
export class GroupCommit<I, R> {
  private readonly queue: { item: I; resolve(r: R): void; reject(e: unknown): void }[] = [];
  private running = 0;
  private scheduled = 0;

  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly opts: { maxBatch?: number; concurrency?: number } = {},
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running + this.scheduled < (this.opts.concurrency ?? 1)) {
        // Writes of requests handled in the same turn of the event loop go together: an in-process
        // database (PGlite) runs a whole transaction without yielding, so no other request could
        // join it once it started.
        this.scheduled++;
        setImmediate(() => {
          this.scheduled--;
          void this.drain();
        });
      }
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.opts.maxBatch ?? 100);
        try {
          const results = await this.write(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]!));
        } catch (err) {
          if (batch.length === 1) {
            batch[0]!.reject(err);
            continue;
          }
          for (const b of batch) {
            try {
              b.resolve((await this.write([b.item]))[0]!);
            } catch (e) {
              b.reject(e);
            }
          }
        }
      }
    } finally {
      this.running--;
    }
  }
}
